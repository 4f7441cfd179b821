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

    /// <summary>
    /// <paramref name="reading"/> (the completion of a sink's block that feeds <paramref name="output"/>, another sink's
    /// block, only once it has read everything: a sort's, a shuffle's), or, when it fails or is cancelled, the same once
    /// <paramref name="output"/> has been faulted and has ended. A parts sink deletes its staging folder as its block
    /// ends, and the run must not return before it: a sort cancelled before its merge left that to the cancellation,
    /// and its staging folder was once still there as its caller went on.
    /// </summary>
    public static Task EndingOutputOnFailure(Task reading, IDataflowBlock output)
        => reading.ContinueWith(
            static async (done, state) =>
            {
                if (!done.IsCompletedSuccessfully)
                {
                    var output = (IDataflowBlock)state!;
                    output.Fault(new OperationCanceledException("The sink stopped before it wrote its output."));
                    await Task.WhenAny(output.Completion).ConfigureAwait(false);
                }

                return done;
            },
            output,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap().Unwrap();

    public void Complete() => _head.Complete();

    public void Fault(Exception exception) => _head.Fault(exception);

    public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, T messageValue, ISourceBlock<T>? source, bool consumeToAccept)
        => _head.OfferMessage(messageHeader, messageValue, source, consumeToAccept);
}
