using System.Collections.Concurrent;

namespace XAnalytics.Pipeline;

/// <summary>Counters of one stage.</summary>
public sealed class StageCounters
{
    private long _in;
    private long _out;
    private long _changed;
    private readonly ConcurrentDictionary<string, long> _facts = new(StringComparer.Ordinal);

    internal StageCounters(string name) => Name = name;

    /// <summary>The stage's name.</summary>
    public string Name { get; }

    /// <summary>Events that came in.</summary>
    public long In => Interlocked.Read(ref _in);

    /// <summary>Events that went on.</summary>
    public long Out => Interlocked.Read(ref _out);

    /// <summary>Events the stage changed (decoded, desensitized, repaired...), where it counts that.</summary>
    public long Changed => Interlocked.Read(ref _changed);

    /// <summary>Adds a batch's figures.</summary>
    public void Add(long eventsIn, long eventsOut, long changed = 0)
    {
        Interlocked.Add(ref _in, eventsIn);
        Interlocked.Add(ref _out, eventsOut);
        Interlocked.Add(ref _changed, changed);
    }

    /// <summary>
    /// Named facts a stage counts beside in/out/changed: <c>undecodable</c> strings kept, strings <c>nulled</c>,
    /// lines <c>repaired</c>... Sorted by name.
    /// </summary>
    public IReadOnlyDictionary<string, long> Facts => new SortedDictionary<string, long>(_facts, StringComparer.Ordinal);

    /// <summary>Adds <paramref name="count"/> to the fact <paramref name="name"/> (once per batch, not per event). Zero is ignored.</summary>
    public void AddFact(string name, long count)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (count != 0)
        {
            _facts.AddOrUpdate(name, count, (_, old) => old + count);
        }
    }

    /// <summary>The fact <paramref name="name"/>, or 0 when never counted.</summary>
    public long Fact(string name) => _facts.TryGetValue(name, out long value) ? value : 0;
}
