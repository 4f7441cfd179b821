namespace XAnalytics.Pipeline;

/// <summary>
/// What a stage or sink needs from the run when it builds its block: parallelism, bounds, the run's
/// cancellation, its counters and its reject log.
/// </summary>
public sealed class StageContext
{
    internal StageContext(int threads, int boundedCapacity, bool ordered, RunCounters counters, RejectLog rejects, CancellationToken cancellationToken)
    {
        Threads = threads;
        BoundedCapacity = boundedCapacity;
        Ordered = ordered;
        Counters = counters;
        Rejects = rejects;
        CancellationToken = cancellationToken;
    }

    /// <summary>Degree of parallelism for order-free work.</summary>
    public int Threads { get; }

    /// <summary>Batches a block may hold (input and output): the back-pressure bound.</summary>
    public int BoundedCapacity { get; }

    /// <summary>True when the sink needs events in input order: stages must keep it (<c>EnsureOrdered</c>).</summary>
    public bool Ordered { get; }

    /// <summary>The run's counters.</summary>
    public RunCounters Counters { get; }

    /// <summary>Where rejected events go.</summary>
    public RejectLog Rejects { get; }

    /// <summary>Cancelled when the run is cancelled or any block faults; pass it to every block.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Options for a parallel, bounded block of this run.</summary>
    public System.Threading.Tasks.Dataflow.ExecutionDataflowBlockOptions ParallelBlockOptions(int? maxDegreeOfParallelism = null) => new()
    {
        MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Threads,
        BoundedCapacity = BoundedCapacity,
        EnsureOrdered = Ordered,
        CancellationToken = CancellationToken,
        SingleProducerConstrained = false,
    };
}
