using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Weekly activity's bounded worker tables and learner-bucket spill (<see cref="ReportOptions.WeeklyActivityHeld"/>):
/// the same rows held or spilled, through partials written and read back, and no scratch files left behind.
/// </summary>
public sealed class WeeklyActivitySpillTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-weekly-spill-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with tables of 5 keys and blocks of 5 (keys handed
    /// over many times, by many owners, most read back from the scratch folder) writes the same weekly and daily files as
    /// with the default budget, which spills nothing; the scratch folder is empty once the run has completed.
    /// </summary>
    [Fact]
    public async Task WeeklyActivity_KeysSpilledToScratch_SameFilesAsHeldAndFolderRemoved()
    {
        string[] inputs = await InputsAsync();
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["weekly_activity"], ScratchDirectory = scratch }, allowRejects: true))
        {
            Assert.Equal(0, reports.WeeklyActivity!.Spill.SpilledBytes);
            ReportWriter.Write(reports, held);
        }

        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["weekly_activity"], ScratchDirectory = scratch, WeeklyActivityHeld = 5 }, allowRejects: true))
        {
            Assert.True(reports.WeeklyActivity!.Spill.SpilledBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, spilled);
        }

        foreach ((string file, int atLeast) in new[] { ("weekly_activity.csv", 20), ("daily_active.csv", 40) })
        {
            string expected = await File.ReadAllTextAsync(Path.Combine(held, file));
            Assert.True(expected.Split('\n').Length > atLeast, file);
            Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(spilled, file)));
        }
    }

    /// <summary>
    /// Batches dealt to three partials with spilling tables, each written, read back by another report, merged and
    /// completed: the rows of the original partials merged in place, and of a run that spills nothing. A read-back
    /// partial writes the same bytes again; a cut-short state is an <see cref="InvalidDataException"/>.
    /// </summary>
    [Fact]
    public async Task WeeklyActivity_SpilledPartialsWrittenReadBackAndMerged_SameRows()
    {
        string[] inputs = await InputsAsync();
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        using LearnerReports plain = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = ["weekly_activity"] }, allowRejects: true);
        var options = new ReportOptions { Only = ["weekly_activity"], ScratchDirectory = scratch, WeeklyActivityHeld = 7 };
        using LearnerReports one = LearnerReports.Create(options);
        using LearnerReports two = LearnerReports.Create(options);
        WeeklyActivityReport original = one.WeeklyActivity!, reread = two.WeeklyActivity!;
        WeeklyActivityPartial[] partials = [original.CreatePartial(), original.CreatePartial(), original.CreatePartial()];
        var pipeline = new PipelineOptions { Source = new FileSourceOptions { Inputs = inputs }, Threads = 2, BatchEvents = 200, RejectsPath = null };
        await EventPipeline.RunAsync(pipeline, [], new DealingSink(original, partials)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(original.Spill.SpilledBytes > 0);

        var states = new byte[partials.Length][];
        var read = new WeeklyActivityPartial[partials.Length];
        for (int i = 0; i < partials.Length; i++)
        {
            var writer = new PartialWriter();
            original.WritePartial(partials[i], writer);
            states[i] = writer.WrittenSpan.ToArray();
            var reader = new PartialReader(states[i], $"state-{i}");
            read[i] = reread.ReadPartial(reader);
            Assert.True(reader.AtEnd);
            var again = new PartialWriter();
            reread.WritePartial(read[i], again);
            Assert.True(states[i].AsSpan().SequenceEqual(again.WrittenSpan), $"state {i} written again differs");
        }

        byte[] longest = states.MaxBy(s => s.Length)!;
        Assert.True(longest.Length > 1000);
        for (int cut = 0; cut < longest.Length; cut += Math.Max(1, longest.Length / 40))
        {
            Assert.Throws<InvalidDataException>(() => reread.ReadPartial(new PartialReader(longest.AsMemory(0, cut), "cut.xap")));
        }

        original.Merge(partials[0], partials[1]);
        original.Merge(partials[0], partials[2]);
        original.Complete(partials[0]);
        WeeklyActivityPartial merged = reread.CreatePartial();
        foreach (WeeklyActivityPartial partial in read)
        {
            reread.Merge(merged, partial);
        }

        reread.Complete(merged);
        string[] expected = [.. plain.WeeklyActivity!.Rows!.Select(r => r.ToString())];
        string[] expectedDaily = [.. plain.WeeklyActivity.DailyActive!.Select(r => r.ToString())];
        Assert.True(expected.Length > 20 && expectedDaily.Length > 40);
        Assert.Equal(expected, original.Rows!.Select(r => r.ToString()));
        Assert.Equal(expected, reread.Rows!.Select(r => r.ToString()));
        Assert.Equal(expectedDaily, original.DailyActive!.Select(r => r.ToString()));
        Assert.Equal(expectedDaily, reread.DailyActive!.Select(r => r.ToString()));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }

    /// <summary>A run that ends without completing (failed, cancelled) leaves nothing in the scratch folder once its reports are disposed, and spills no more.</summary>
    [Fact]
    public void WeeklyActivity_ReportsDisposedBeforeCompletion_ScratchFolderRemoved()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        LearnerReports reports = LearnerReports.Create(new ReportOptions { Only = ["weekly_activity"], ScratchDirectory = scratch, WeeklyActivityHeld = 1 });
        WeeklyActivityPartial partial = reports.WeeklyActivity!.CreatePartial();
        partial.Add(WeeklyActivityPartial.DailyKey(0, 16_000, 42)); // a table and a block of 1: written at once
        string folder = Assert.Single(Directory.GetFileSystemEntries(scratch));
        Assert.StartsWith("xanalytics-weekly-activity-", Path.GetFileName(folder), StringComparison.Ordinal);

        reports.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Throws<OperationCanceledException>(() => partial.Add(WeeklyActivityPartial.DailyKey(0, 16_000, 43)));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }

    private async Task<string[]> InputsAsync()
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 20_000, files: 4, courses: 3, learners: 300, days: 30);
        return EdxCorpus.Directory is { } corpus ? [archive, corpus] : [archive];
    }

    /// <summary>Deals batches round-robin to the partials (one at a time: an action block runs one batch at once).</summary>
    private sealed class DealingSink(WeeklyActivityReport report, WeeklyActivityPartial[] partials) : IEventSink
    {
        private int _next;

        public bool RequiresInputOrder => false;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context) => new ActionBlock<EventBatch>(batch =>
        {
            using (batch)
            {
                report.Accumulate(partials[_next++ % partials.Length], batch);
                context.Counters.AddWritten(batch.Count);
            }
        });

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
