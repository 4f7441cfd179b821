using System.Threading.Tasks.Dataflow;

namespace XAnalytics.Internal;

/// <summary>
/// A sink's block whose completion includes the sink's cleanup when the block fails or is cancelled: the run awaits
/// the sink block's completion before it reports its fault, so the cleanup has finished by then. A cleanup left to a
/// cancellation callback alone could still be running on another thread (the second <c>Cancel</c> of a token does not
/// wait for the first one's callbacks) when the run had already failed and the process exited, leaving the sink's
/// private folder behind.
/// </summary>
/// <remarks>
/// The inner block's completion comes after its delegates in flight have returned, so nothing of the sink's is still
/// writing when <c>cleanup</c> runs. The completion keeps the inner one's state and every exception.
/// </remarks>
internal sealed class CleanupTarget<T> : ITargetBlock<T>
{
    private readonly ITargetBlock<T> _inner;

    public CleanupTarget(ITargetBlock<T> inner, Action cleanup)
    {
        _inner = inner;
        Completion = inner.Completion.ContinueWith(
            static (done, state) =>
            {
                if (!done.IsCompletedSuccessfully)
                {
                    ((Action)state!)();
                }

                return done;
            },
            cleanup,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }

    public Task Completion { get; }

    public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, T messageValue, ISourceBlock<T>? source, bool consumeToAccept)
        => _inner.OfferMessage(messageHeader, messageValue, source, consumeToAccept);

    public void Complete() => _inner.Complete();

    public void Fault(Exception exception) => _inner.Fault(exception);
}
