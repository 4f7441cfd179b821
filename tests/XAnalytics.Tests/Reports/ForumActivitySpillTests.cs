using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Forum activity's bounded worker tables and learner-bucket spill (<see cref="ReportOptions.ForumActivityHeld"/>): the
/// same files held or spilled, the compact rows read in order and by index as written, no scratch files left behind.
/// </summary>
public sealed class ForumActivitySpillTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-forum-spill-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with tables of 5 keys and blocks of 5 records (keys
    /// handed over many times, by many owners, most read back from the scratch folder) writes the same daily and weekly
    /// files as with the default budget, which spills nothing; the scratch folder is empty once the run has completed.
    /// </summary>
    [Theory]
    [InlineData(ReportFormat.Csv)]
    [InlineData(ReportFormat.Parquet)]
    public async Task ForumActivity_CountsSpilledToScratch_SameFilesAsHeldAndFolderRemoved(ReportFormat format)
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 20_000, files: 4, courses: 3, learners: 300, days: 30);
        string[] inputs = EdxCorpus.Directory is { } corpus ? [archive, corpus] : [archive];
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = [ForumActivitySection.SectionName], ScratchDirectory = scratch }, allowRejects: true))
        {
            Assert.Equal(0, reports.Section<ForumActivitySection>()!.Spill.SpilledBytes);
            ReportWriter.Write(reports, held, format);
        }

        var options = new ReportOptions { Only = [ForumActivitySection.SectionName], ScratchDirectory = scratch, ForumActivityHeld = 5 };
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, options, allowRejects: true))
        {
            ForumActivitySection section = reports.Section<ForumActivitySection>()!;
            Assert.True(section.Spill.SpilledBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, spilled, format);
            if (format == ReportFormat.Csv)
            {
                foreach ((string file, IReadOnlyList<ForumActivityRow> rows) in new[] { ("forum_activity_daily.csv", section.Daily!), ("forum_activity_weekly.csv", section.Weekly!) })
                {
                    string[] lines = ReportTestKit.Lines(Path.Combine(spilled, file));
                    Assert.True(lines.Length > 100, file);
                    Assert.Contains(rows, r => r.ForumPosts + r.ForumResponses + r.ForumComments > 0);
                    Assert.Equal(lines, rows.Select(Line));
                    Assert.Equal(lines, Enumerable.Range(0, rows.Count).Select(i => Line(rows[i])));
                }
            }
        }

        string[] files = [.. Directory.GetFiles(held).Select(Path.GetFileName).Where(f => f!.StartsWith("forum_activity_", StringComparison.Ordinal)).Order(StringComparer.Ordinal)!];
        Assert.Equal(2, files.Length);
        foreach (string file in files)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(held, file)), await File.ReadAllBytesAsync(Path.Combine(spilled, file)));
        }

        static string Line(ForumActivityRow r)
            => $"{r.EndDate:yyyy-MM-dd},{r.CourseId},{r.Username},{r.ForumPosts},{r.ForumResponses},{r.ForumComments},{r.ForumUpvotesGiven},{r.ForumUpvotesReceived}";
    }

    /// <summary>A run that ends without completing (failed, cancelled) leaves nothing in the scratch folder once its reports are disposed, and spills no more.</summary>
    [Fact]
    public void ForumActivity_ReportsDisposedBeforeCompletion_ScratchFolderRemoved()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        LearnerReports reports = LearnerReports.Create(new ReportOptions { Only = [ForumActivitySection.SectionName], ScratchDirectory = scratch, ForumActivityHeld = 1 });
        ForumActivityPartial partial = reports.Section<ForumActivitySection>()!.CreatePartial();
        partial.Add(16_000, 0, 42, new ForumCounts { Posts = 1 }); // a table and a block of 1: written at once
        string folder = Assert.Single(Directory.GetFileSystemEntries(scratch));
        Assert.StartsWith("xanalytics-forum-activity-", Path.GetFileName(folder), StringComparison.Ordinal);

        reports.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Throws<OperationCanceledException>(() => partial.Add(16_000, 0, 43, new ForumCounts { Posts = 1 }));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }
}
