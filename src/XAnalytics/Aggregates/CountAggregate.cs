using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>
/// Counts events, overall and per distinct value of one or more fields (<c>event_type</c>,
/// <c>context.course_id</c>, <c>day</c>...). Without fields: total events and distinct users (non-empty
/// <c>username</c>).
/// </summary>
public sealed class CountAggregate : IEventAggregate<CountTable>
{
    private static readonly FieldPath s_username = FieldPath.Parse("username");
    private readonly FieldPath[] _by;

    /// <summary>Counts per distinct value of <paramref name="by"/> (none: totals only).</summary>
    public CountAggregate(IReadOnlyList<FieldPath> by)
    {
        ArgumentNullException.ThrowIfNull(by);
        _by = [.. by];
    }

    /// <summary>The fields counted by.</summary>
    public IReadOnlyList<FieldPath> By => _by;

    /// <summary>The result, once the run has ended; null before.</summary>
    public CountResult? Result { get; private set; }

    /// <inheritdoc/>
    public CountTable CreatePartial() => new(_by.Length == 0 ? [s_username] : _by);

    /// <inheritdoc/>
    public void Accumulate(CountTable target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        target.Events += batch.Count;
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<byte> key = target.Key.Build(batch, i);
            target.Counter.Add(key, 1);
        }
    }

    /// <inheritdoc/>
    public void Merge(CountTable into, CountTable from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Events += from.Events;
        into.Counter.Merge(from.Counter);
    }

    /// <inheritdoc/>
    public void Complete(CountTable result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int fields = Math.Max(1, _by.Length);
        var rows = new List<CountRow>(result.Counter.Count);
        long users = 0;
        for (int i = 0; i < result.Counter.Count; i++)
        {
            ReadOnlySpan<byte> key = result.Counter.GetKey(i, out long count);
            bool[] isJson = new bool[fields];
            string?[] values = FieldKey.Decode(key, fields, isJson);
            if (_by.Length == 0)
            {
                if (!string.IsNullOrEmpty(values[0]))
                {
                    users++;
                }

                continue;
            }

            rows.Add(new CountRow(values, count) { IsJson = isJson });
        }

        rows.Sort(static (a, b) =>
        {
            int byCount = b.Count.CompareTo(a.Count);
            return byCount != 0 ? byCount : CompareValues(a, b);
        });
        Result = new CountResult(result.Events, users, _by.Length == 0 ? null : rows);
    }

    /// <summary>By value; a string before the JSON value written the same (<c>"5"</c> before <c>5</c>), so the order is total.</summary>
    private static int CompareValues(CountRow a, CountRow b)
    {
        for (int i = 0; i < a.Values.Count; i++)
        {
            int c = string.CompareOrdinal(a.Values[i], b.Values[i]);
            if (c == 0)
            {
                c = a.IsJson[i].CompareTo(b.IsJson[i]);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }
}
