using System.CommandLine;
using System.Globalization;
using XAnalytics.Reports.Learners;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics release person_course.csv OUTDIR --k 5 [--quasi country,first_event_month,...] [--key-file F]</c></summary>
internal static class ReleaseCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("PERSON_COURSE") { Description = "A person_course.csv written by 'learners'." };
        var outDir = new Argument<string>("OUTDIR") { Description = $"Folder for {PersonCourseRelease.CsvFileName} and {PersonCourseRelease.ReportFileName}, published whole by one rename." };
        var k = new Option<int>("--k") { Description = "Every combination of quasi-identifiers holds at least k learners (at least 2).", DefaultValueFactory = _ => 5 };
        var quasi = new Option<string>("--quasi")
        {
            Description = "Quasi-identifiers, comma-separated: country (released as its region), first_event_month, last_event_month, or other columns "
                + "(nforum_posts, explored...). course_id is always one.",
            DefaultValueFactory = _ => "country,first_event_month,last_event_month",
        };
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = "The secret key for pseudonyms, as desensitize takes it. Default: settings 'pseudonym-key-file', else $XANALYTICS_PSEUDONYM_KEY.",
        };
        var command = new Command("release", "A de-identified, k-anonymous copy of person_course.csv: keyed pseudonyms, country to region, dates to months, "
            + "small combinations suppressed, and a check of the result. Exit codes: 0 released and checked, 1 failed (the check included), 2 usage or settings error.")
        {
            input, outDir, k, quasi, keyFile,
        };
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            string[] names = result.GetValue(quasi)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var options = new ReleaseOptions
            {
                K = result.GetValue(k),
                QuasiIdentifiers = names,
                Key = settings.LoadPseudonymKey(result.GetValue(keyFile) is { } key ? PathChecks.ReadableFile(key, keyFile.Name) : null),
                PublicDataDir = settings.PublicDataDir,
            };
            ReleaseResult released = PersonCourseRelease.Write(result.GetValue(input)!, result.GetValue(outDir)!, options);
            TextWriter error = result.InvocationConfiguration.Error;
            foreach (string note in released.Notes)
            {
                error.WriteLine($"Note: {note}");
            }

            result.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Released {released.RowsReleased:N0} of {released.RowsIn:N0} rows ({released.RowsSuppressed:N0} suppressed) to {released.Csv}; "
                + $"checked: {released.Check.Classes:N0} combinations, the smallest of {released.Check.SmallestClass:N0} learners, k={options.K}. Report: {released.Report}"));
            return Task.FromResult(0);
        }));
        return command;
    }
}
