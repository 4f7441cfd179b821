using System.Threading.Tasks.Dataflow;
using XAnalytics.Pipeline;

namespace XAnalytics.Tests.Pipeline;

/// <summary>A sink block's completion waits for the sink's cleanup when the block fails or is cancelled, and only then.</summary>
public sealed class SinkTargetCleaningUpTests
{
    [Fact]
    public async Task Faulted_CompletesOnlyAfterTheCleanup_WithTheBlocksExceptions()
    {
        int cleaned = 0;
        var target = SinkTarget<int>.CleaningUp(new ActionBlock<int>(static n => throw new IOException($"disk full at {n}")), () =>
        {
            Thread.Sleep(200); // a slow cleanup: the completion must not overtake it
            Interlocked.Increment(ref cleaned);
        });

        Assert.True(await target.SendAsync(7));
        Exception e = await Assert.ThrowsAsync<IOException>(() => target.Completion);

        Assert.Equal("disk full at 7", e.Message);
        Assert.Equal(1, Volatile.Read(ref cleaned));
        Assert.True(target.Completion.IsFaulted);
    }

    [Fact]
    public async Task Cancelled_CompletesCancelledAfterTheCleanup()
    {
        using var cts = new CancellationTokenSource();
        int cleaned = 0;
        using var started = new SemaphoreSlim(0);
        var target = SinkTarget<int>.CleaningUp(new ActionBlock<int>(async _ => { started.Release(); await Task.Delay(Timeout.Infinite, cts.Token); }, new ExecutionDataflowBlockOptions { CancellationToken = cts.Token }),
            () => Interlocked.Increment(ref cleaned));

        Assert.True(await target.SendAsync(1));
        await started.WaitAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => target.Completion);

        Assert.True(target.Completion.IsCanceled);
        Assert.Equal(1, Volatile.Read(ref cleaned));
    }

    [Fact]
    public async Task CompletedCleanly_NoCleanup_TheSinksCompletionDoesIt()
    {
        int seen = 0;
        int cleaned = 0;
        var target = SinkTarget<int>.CleaningUp(new ActionBlock<int>(n => Interlocked.Add(ref seen, n)), () => Interlocked.Increment(ref cleaned));

        Assert.True(await target.SendAsync(2));
        Assert.True(await target.SendAsync(3));
        target.Complete();
        await target.Completion;

        Assert.Equal(5, seen);
        Assert.Equal(0, cleaned);
    }
}
