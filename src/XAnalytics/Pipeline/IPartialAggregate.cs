namespace XAnalytics.Pipeline;

/// <summary>
/// An aggregate whose partial can leave the process: a task writes its merged partial into a partial file
/// (<c>--partial OUT.xap</c>), and <c>xanalytics merge</c> reads every task's back, merges them with
/// <see cref="IEventAggregate{TPartial}.Merge"/> and completes the result, exactly as one process would have.
/// </summary>
/// <remarks>
/// A new aggregate plugs in by implementing the two methods and naming its state: what <see cref="WritePartial"/>
/// writes, <see cref="ReadPartial"/> must read back into a partial that merges as the original would. Values that are
/// only meaningful in one process (ids interned in a run's tables, per-process hash seeds) must be written as what
/// they stand for. Change <see cref="StateVersion"/> when the layout changes: a merge refuses a partial of another
/// version by name. The file format around the state is in <c>docs/partial-format.md</c>.
/// </remarks>
/// <typeparam name="TPartial">The partial result.</typeparam>
public interface IPartialAggregate<TPartial> : IEventAggregate<TPartial>
    where TPartial : class
{
    /// <summary>The state's name in a partial file (<c>count</c>, <c>schema</c>, <c>report.events-daily</c>).</summary>
    string StateName { get; }

    /// <summary>The layout version of the state this aggregate writes and reads.</summary>
    int StateVersion { get; }

    /// <summary>Writes <paramref name="state"/> (a run's merged partial, before completion).</summary>
    void WritePartial(TPartial state, PartialWriter writer);

    /// <summary>Reads a partial written by <see cref="WritePartial"/> into a new partial, ready to merge.</summary>
    /// <exception cref="InvalidDataException">The state is damaged or not of <see cref="StateVersion"/>.</exception>
    TPartial ReadPartial(PartialReader reader);
}
