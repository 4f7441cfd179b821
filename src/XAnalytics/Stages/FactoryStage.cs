using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

/// <summary>An <see cref="IEventStage"/> made of a name and a block factory: what each stage's <c>Create</c> returns.</summary>
internal sealed class FactoryStage(string name, bool requiresInputOrder, Func<StageContext, IPropagatorBlock<EventBatch, EventBatch>> create) : IEventStage
{
    public string Name => name;

    public bool RequiresInputOrder => requiresInputOrder;

    public IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return create(context);
    }
}
