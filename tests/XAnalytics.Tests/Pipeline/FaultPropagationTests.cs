using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

/// <summary>
/// A run that fails or is cancelled ends promptly with the cause, leaves no reader blocked (the run's task
/// completes only after every reader has stopped) and leaves no rejects file or temporary file behind.
/// </summary>
public sealed class FaultPropagationTests
{
    /// <summary>Enough small batches that readers are blocked on back-pressure when the fault comes.</summary>
    private static PipelineOptions WriteInputs(TempDir dir, int threads)
    {
        for (int f = 0; f < 16; f++)
        {
            var text = new StringBuilder("# a comment: a rejected line, so the rejects file is begun\n");
            for (int i = 0; i < 400; i++)
            {
                text.Append("{\"event_type\":\"e\",\"n\":").Append(i).Append("}\n");
            }

            _ = f % 2 == 0 ? dir.WriteGzip($"in/f{f:D2}.log.gz", text.ToString()) : dir.WriteText($"in/f{f:D2}.log", text.ToString());
        }

        return Run.Options([dir.PathOf("in")], dir.PathOf("out/rejects.tsv"), threads) with { BatchEvents = 5, BoundedCapacity = 1 };
    }

    private static void AssertNothingLeftBehind(TempDir dir)
    {
        string output = dir.PathOf("out");
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any(), "the output folder is not empty");
        Assert.All(dir.ListFiles(), f => Assert.StartsWith("in", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 7, false)]
    [InlineData(4, 30, false)]
    [InlineData(1, 1, true)]
    [InlineData(2, 7, true)]
    [InlineData(4, 30, true)]
    public async Task Run_StageThrowsOnNthBatch_RunThrowsThatException(int threads, int failOn, bool ordered)
    {
        using var dir = new TempDir();
        PipelineOptions options = WriteInputs(dir, threads);

        StageFailedException e = await Assert.ThrowsAsync<StageFailedException>(
            () => EventPipeline.RunAsync(options, [new ThrowingStage(failOn)], new RecordingSink(ordered)).WaitAsync(Run.Timeout));

        Assert.Equal($"stage failed on batch {failOn}", e.Message);
        Assert.Contains(nameof(ThrowingStage), e.StackTrace, StringComparison.Ordinal); // where the worker threw it, for XANALYTICS_DEBUG
        AssertNothingLeftBehind(dir);
    }

    [Fact]
    public async Task Run_StageThrowsAfterOtherStage_RunThrowsThatException()
    {
        using var dir = new TempDir();
        PipelineOptions options = WriteInputs(dir, 2);

        await Assert.ThrowsAsync<StageFailedException>(
            () => EventPipeline.RunAsync(options, [new JitterStage(), new ThrowingStage(3), new JitterStage()], new RecordingSink(false)).WaitAsync(Run.Timeout));

        AssertNothingLeftBehind(dir);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Run_AggregateThrows_RunThrowsThatException(int threads)
    {
        using var dir = new TempDir();
        PipelineOptions options = WriteInputs(dir, threads);

        await Assert.ThrowsAsync<StageFailedException>(
            () => EventPipeline.RunAsync(options, [], new AggregateSink<CountTable>(new ThrowingAggregate(failOn: 4))).WaitAsync(Run.Timeout));

        AssertNothingLeftBehind(dir);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(2, true)]
    public async Task Run_Cancelled_ThrowsOperationCanceledPromptly(int threads, bool ordered)
    {
        using var dir = new TempDir();
        PipelineOptions options = WriteInputs(dir, threads);
        var gate = new GateStage();
        using var cts = new CancellationTokenSource();

        Task<RunResult> run = EventPipeline.RunAsync(options, [gate], new RecordingSink(ordered), cts.Token);
        await gate.Started.WaitAsync(Run.Timeout);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Run.Timeout));
        Assert.True(run.IsCanceled || run.IsFaulted);
        AssertNothingLeftBehind(dir);
    }

    [Fact]
    public async Task Run_CancelledBeforeStart_ThrowsOperationCanceled()
    {
        using var dir = new TempDir();
        PipelineOptions options = WriteInputs(dir, 2);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => EventPipeline.RunAsync(options, [], new RecordingSink(false), cts.Token).WaitAsync(Run.Timeout));

        AssertNothingLeftBehind(dir);
    }

    [Fact]
    public async Task Run_SameInputsAfterFailure_Succeeds()
    {
        using var dir = new TempDir();
        PipelineOptions options = WriteInputs(dir, 2);
        await Assert.ThrowsAsync<StageFailedException>(
            () => EventPipeline.RunAsync(options, [new ThrowingStage(2)], new RecordingSink(false)).WaitAsync(Run.Timeout));

        (RunResult result, _) = await Run.CountAsync(options);

        Assert.Equal(16 * 400, result.Counters.Written);
        Assert.Equal(16, Run.ReadRejects(options.RejectsPath!).Count);
        Assert.Equal(["rejects.tsv"], Directory.GetFiles(dir.PathOf("out")).Select(Path.GetFileName));
    }

    /// <summary>Counts like <see cref="CountAggregate"/> but throws on the Nth batch it is given.</summary>
    private sealed class ThrowingAggregate(int failOn) : IEventAggregate<CountTable>
    {
        private readonly CountAggregate _inner = new([]);
        private int _batches;

        public CountTable CreatePartial() => _inner.CreatePartial();

        public void Accumulate(CountTable target, EventBatch batch)
        {
            if (Interlocked.Increment(ref _batches) == failOn)
            {
                throw new StageFailedException("aggregate failed");
            }

            _inner.Accumulate(target, batch);
        }

        public void Merge(CountTable into, CountTable from) => _inner.Merge(into, from);

        public void Complete(CountTable result) => _inner.Complete(result);
    }
}
