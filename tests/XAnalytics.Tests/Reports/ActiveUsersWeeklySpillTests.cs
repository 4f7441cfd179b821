using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Active users per week: bounded worker tables and learner-bucket spill (<see cref="ReportOptions.ActiveUsersWeeklyHeld"/>):
/// the same file held or spilled, the compact rows read in order and by index as written, no scratch files left behind.
/// </summary>
public sealed class ActiveUsersWeeklySpillTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-active-spill-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with tables of 5 pairs and blocks of 5 (pairs handed
    /// over many times, by many owners, most read back from the scratch folder) writes the same file as with the
    /// default budget, which spills nothing; the scratch folder is empty once the run has completed.
    /// </summary>
    [Theory]
    [InlineData(ReportFormat.Csv)]
    [InlineData(ReportFormat.Parquet)]
    public async Task ActiveUsersWeekly_PairsSpilledToScratch_SameFileAsHeldAndFolderRemoved(ReportFormat format)
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 20_000, files: 4, courses: 3, learners: 300, days: 30);
        string[] inputs = EdxCorpus.Directory is { } corpus ? [archive, corpus] : [archive];
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = [ActiveUsersWeeklySection.SectionName], ScratchDirectory = scratch }, allowRejects: true))
        {
            Assert.Equal(0, reports.Section<ActiveUsersWeeklySection>()!.Spill.SpilledBytes);
            ReportWriter.Write(reports, held, format);
        }

        var options = new ReportOptions { Only = [ActiveUsersWeeklySection.SectionName], ScratchDirectory = scratch, ActiveUsersWeeklyHeld = 5 };
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, options, allowRejects: true))
        {
            ActiveUsersWeeklySection section = reports.Section<ActiveUsersWeeklySection>()!;
            Assert.True(section.Spill.SpilledBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, spilled, format);
            if (format == ReportFormat.Csv)
            {
                IReadOnlyList<ActiveUsersWeeklyRow> rows = section.Rows!;
                string[] lines = ReportTestKit.Lines(Path.Combine(spilled, "active_users_weekly.csv"));
                Assert.True(lines.Length > 300);
                Assert.Equal(lines, rows.Select(Line));
                Assert.Equal(lines, Enumerable.Range(0, rows.Count).Select(i => Line(rows[i])));
            }
        }

        string file = Assert.Single(Directory.GetFiles(held), f => Path.GetFileName(f).StartsWith("active_users_weekly.", StringComparison.Ordinal));
        Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(spilled, Path.GetFileName(file))));

        static string Line(ActiveUsersWeeklyRow r) => $"{r.StartDate:yyyy-MM-dd},{r.EndDate:yyyy-MM-dd},{r.Username}";
    }

    /// <summary>A run that ends without completing (failed, cancelled) leaves nothing in the scratch folder once its reports are disposed, and spills no more.</summary>
    [Fact]
    public void ActiveUsersWeekly_ReportsDisposedBeforeCompletion_ScratchFolderRemoved()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        LearnerReports reports = LearnerReports.Create(new ReportOptions { Only = [ActiveUsersWeeklySection.SectionName], ScratchDirectory = scratch, ActiveUsersWeeklyHeld = 1 });
        ActiveUsersWeeklyPartial partial = reports.Section<ActiveUsersWeeklySection>()!.CreatePartial();
        partial.Add(new PackedKey(16_002, 42)); // a table and a block of 1: written at once
        string folder = Assert.Single(Directory.GetFileSystemEntries(scratch));
        Assert.StartsWith("xanalytics-active-users-weekly-", Path.GetFileName(folder), StringComparison.Ordinal);

        reports.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Throws<OperationCanceledException>(() => partial.Add(new PackedKey(16_002, 43)));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }
}
