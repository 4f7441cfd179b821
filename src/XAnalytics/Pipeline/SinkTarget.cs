using System.Threading.Tasks.Dataflow;

namespace XAnalytics.Pipeline;

/// <summary>
/// A sink's block: messages go to the head of its chain, completion is the end of the whole chain (the way
/// <see cref="DataflowBlock.Encapsulate{TInput, TOutput}"/> delegates, for a chain that ends in no source).
/// </summary>
internal sealed class SinkTarget<T> : ITargetBlock<T>
{
    private readonly ITargetBlock<T> _head;

    public SinkTarget(ITargetBlock<T> head, Task completion)
    {
        _head = head;
        Completion = completion;
    }

    public Task Completion { get; }

    /// <summary>
    /// A sink's block whose completion (<paramref name="completion"/>, the head's own when null) includes the sink's
    /// <paramref name="cleanupOnFailure"/> when it fails or is cancelled: the run awaits the sink block's completion
    /// before it reports its fault, so the cleanup has finished by then. A cleanup left to a cancellation callback
    /// alone could still be running on another thread (a second <c>Cancel</c> of a token does not wait for the first
    /// one's callbacks) when the run had already failed and the process exited, leaving the sink's folder behind.
    /// </summary>
    /// <remarks>
    /// A Dataflow block's completion comes after its delegates in flight have returned, so nothing of the sink's is
    /// still writing when the cleanup runs. The completion keeps the inner one's state and every exception.
    /// </remarks>
    public static SinkTarget<T> CleaningUp(ITargetBlock<T> head, Action cleanupOnFailure, Task? completion = null)
        => new(head, (completion ?? head.Completion).ContinueWith(
            static (done, state) =>
            {
                if (!done.IsCompletedSuccessfully)
                {
                    ((Action)state!)();
                }

                return done;
            },
            cleanupOnFailure,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap());

    public void Complete() => _head.Complete();

    public void Fault(Exception exception) => _head.Fault(exception);

    public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, T messageValue, ISourceBlock<T>? source, bool consumeToAccept)
        => _head.OfferMessage(messageHeader, messageValue, source, consumeToAccept);
}
