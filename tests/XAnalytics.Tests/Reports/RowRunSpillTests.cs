using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Module engagement's, forum activity's, active users' and problem_response's rows kept in a scratch file until the report is written (<see cref="RunFile{TItem}"/>): the same
/// files and rows as in memory, read by several readers at once, nothing left in the scratch folder.
/// </summary>
public sealed class RowRunSpillTests : IDisposable
{
    private static readonly string[] s_sections =
        [ModuleEngagementSection.SectionName, ForumActivitySection.SectionName, ActiveUsersWeeklySection.SectionName, ProblemResponseSection.SectionName, CoursePagesSection.SectionName];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-row-spill-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// Runs written to a file in blocks (empty, one item, exactly a block, a block and one, several blocks) are read back
    /// merged in order, in their own order, and by two cursors at once, each item once.
    /// </summary>
    [Fact]
    public void RunFile_RunsOfManyBlocks_MergedAndInRunOrder()
    {
        int block = RunFile<long>.BlockItems;
        int[] sizes = [0, 1, block, block + 1, (3 * block) + 17];
        var random = new Random(7);
        long[][] runs = [.. sizes.Select(n => Enumerable.Range(0, n).Select(_ => random.NextInt64(1_000_000)).Order().ToArray())];
        using RunFile<long> file = RunFile<long>.Create(_dir.FullName, "run-file-test");
        foreach (long[] run in runs)
        {
            file.AddRun(run);
        }

        Assert.Equal(sizes.Length, file.RunCount);
        Assert.Equal(sizes.Select(n => (long)n), Enumerable.Range(0, sizes.Length).Select(file.ItemsOf));
        var merged = new RunCursor<long>(file);
        var inRunOrder = new RunCursor<long>(file);
        var other = new RunCursor<long>(file);
        long[] all = [.. runs.SelectMany(r => r).Order()];
        foreach (long expected in all)
        {
            Assert.True(merged.TryNext(out long a));
            Assert.True(other.TryNext(out long b));
            Assert.Equal(expected, a);
            Assert.Equal(expected, b);
        }

        Assert.False(merged.TryNext(out _));
        var own = new List<long>();
        while (inRunOrder.TryNextInRunOrder(out long x))
        {
            own.Add(x);
        }

        Assert.Equal(runs.SelectMany(r => r), own);
        Assert.True(file.Length > 0);
    }

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with a row budget of one byte (every run in a
    /// file) writes the same module engagement, forum activity, active users and problem_response tables and course
    /// pages as with the rows in memory;
    /// the rows read in order, by index and by two interleaved readers agree; the scratch folder is empty while the
    /// file is open (unlinked on Unix) and once the reports are disposed, after which the rows are no longer readable.
    /// </summary>
    [Fact]
    public async Task ModuleEngagement_RowsInScratchFile_SameFilesAndRowsAsInMemory()
    {
        (string[] inputs, string scratch) = await ReportTestKit.SpillInputsAsync(_dir.FullName, events: 30_000, learners: 400);
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        List<ModuleEngagementRow> expected;
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = s_sections, ScratchDirectory = scratch }, allowRejects: true))
        {
            var rows = (SortedRunList<ModuleEngagementItem, ModuleEngagementRow>)reports.Section<ModuleEngagementSection>()!.Rows!;
            Assert.False(rows.IsSpilled);
            expected = [.. rows];
            ReportWriter.Write(reports, held);
        }

        LearnerReports spilledReports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = s_sections, ScratchDirectory = scratch, RowSpillBytes = 1 }, allowRejects: true);
        IReadOnlyList<ModuleEngagementRow> spilledRows;
        using (spilledReports)
        {
            spilledRows = RowsOf(spilledReports);
            Assert.True(((SortedRunList<ModuleEngagementItem, ModuleEngagementRow>)spilledRows).IsSpilled);
            Assert.True(((SortedRunList<ForumActivityItem, ForumActivityRow>)spilledReports.Section<ForumActivitySection>()!.Weekly!).IsSpilled);
            Assert.True(((SortedRunList<ActiveUsersWeeklyItem, ActiveUsersWeeklyRow>)spilledReports.Section<ActiveUsersWeeklySection>()!.Rows!).IsSpilled);
            Assert.True(((ProblemResponseRowList)spilledReports.Section<ProblemResponseSection>()!.Rows!).IsSpilled);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Empty(Directory.GetFileSystemEntries(scratch));
            }

            Assert.True(expected.Count > 1000, $"{expected.Count} rows");
            Assert.Equal(expected, spilledRows);
            Assert.Equal(expected, Enumerable.Range(0, spilledRows.Count).Select(i => spilledRows[i]));

            // Two readers at once, interleaved: each with its own blocks.
            using IEnumerator<ModuleEngagementRow> a = spilledRows.GetEnumerator(), b = spilledRows.GetEnumerator();
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.True(a.MoveNext());
                Assert.True(b.MoveNext());
                Assert.Equal(expected[i], a.Current);
                Assert.Equal(expected[i], b.Current);
            }

            Assert.False(a.MoveNext());
            ReportWriter.Write(spilledReports, spilled);
        }

        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.ThrowsAny<ObjectDisposedException>(() =>
        {
            using IEnumerator<ModuleEngagementRow> rows = spilledRows.GetEnumerator();
            rows.MoveNext();
        });
        foreach ((string file, int atLeast) in new[]
        {
            ("module_engagement.csv", 1000), ("module_engagement_metric_ranges.csv", 0), ("forum_activity_daily.csv", 10), ("forum_activity_weekly.csv", 10),
            ("active_users_weekly.csv", 10), ("problem_response.csv", 100),
        })
        {
            Assert.True(File.ReadAllLines(Path.Combine(held, file)).Length > atLeast, file);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(held, file)), await File.ReadAllTextAsync(Path.Combine(spilled, file)));
        }

        string[] pages = [.. Directory.GetFiles(Path.Combine(held, "courses"), "*.html", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(held, p)).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(pages);
        Assert.Equal(pages, Directory.GetFiles(Path.Combine(spilled, "courses"), "*.html", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(spilled, p)).Order(StringComparer.Ordinal));
        foreach (string page in pages)
        {
            Assert.Equal(Generated(await File.ReadAllTextAsync(Path.Combine(held, page))), Generated(await File.ReadAllTextAsync(Path.Combine(spilled, page))));
        }

        static IReadOnlyList<ModuleEngagementRow> RowsOf(LearnerReports r) => r.Section<ModuleEngagementSection>()!.Rows!;

        // A page says when it was generated, to the minute.
        static string Generated(string html) => System.Text.RegularExpressions.Regex.Replace(html, "Generated [0-9-]+ [0-9:]+", "Generated");
    }
}
