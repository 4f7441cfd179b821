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

    public void Complete() => _head.Complete();

    public void Fault(Exception exception) => _head.Fault(exception);

    public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, T messageValue, ISourceBlock<T>? source, bool consumeToAccept)
        => _head.OfferMessage(messageHeader, messageValue, source, consumeToAccept);
}
