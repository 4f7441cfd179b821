using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>events_daily.csv</c>: events per UTC day, course (canonical id; empty when the event names none) and
/// <see cref="EventFamily"/>.
/// </summary>
public sealed class EventsDailyReport : IPartialAggregate<EventsDailyPartial>
{
    private readonly EventFacts _facts;

    internal EventsDailyReport(EventFacts facts) => _facts = facts;

    /// <summary>The rows, by day, course and family; null until the run has ended.</summary>
    public IReadOnlyList<EventsDailyRow>? Rows { get; private set; }

    /// <inheritdoc/>
    public EventsDailyPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(EventsDailyPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        // Runs of events share a day, course and family: count a run locally and add it to the table once.
        (int Day, int Course, EventFamily Family) key = default;
        long run = 0;
        foreach (ref readonly EventFact f in facts)
        {
            if (!f.Kept)
            {
                continue;
            }

            if (run > 0 && f.Day == key.Day && f.Course == key.Course && f.Family == key.Family)
            {
                run++;
                continue;
            }

            if (run > 0)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(target.Counts, EventsDailyPartial.Key(key.Day, key.Course, key.Family), out _) += run;
            }

            key = (f.Day, f.Course, f.Family);
            run = 1;
        }

        if (run > 0)
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(target.Counts, EventsDailyPartial.Key(key.Day, key.Course, key.Family), out _) += run;
        }
    }

    /// <inheritdoc/>
    public void Merge(EventsDailyPartial into, EventsDailyPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        foreach (KeyValuePair<PackedKey, long> kv in from.Counts)
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(into.Counts, kv.Key, out _) += kv.Value;
        }
    }

    /// <inheritdoc/>
    public void Complete(EventsDailyPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<EventsDailyRow>(result.Counts.Count);
        foreach (KeyValuePair<PackedKey, long> kv in result.Counts)
        {
            (int day, int course, EventFamily family) = EventsDailyPartial.Fields(kv.Key);
            rows.Add(new EventsDailyRow(DateOnly.FromDayNumber(day), course < 0 ? "" : _facts.Courses.Name(course), family, kv.Value));
        }

        rows.Sort(static (a, b) =>
        {
            int c = a.Day.CompareTo(b.Day);
            c = c != 0 ? c : string.CompareOrdinal(a.CourseId, b.CourseId);
            return c != 0 ? c : ((byte)a.Family).CompareTo((byte)b.Family);
        });
        Rows = rows;
    }

    /// <inheritdoc/>
    public string StateName => "report.events-daily";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The run's event counts (kept, with a learner: the report's notes), the courses, then every (day, course,
    /// family) with its events. The run's counts are read once per partial file, as this state is.
    /// </remarks>
    public void WritePartial(EventsDailyPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt((ulong)_facts.KeptEvents);
        writer.WriteUInt((ulong)_facts.LearnerEvents);
        int[] courses = _facts.Courses.WriteSorted(writer);

        // Sorted, with courses by position: the bytes do not depend on the order threads met the events.
        var entries = new (int Day, int Course, EventFamily Family, long Events)[state.Counts.Count];
        int n = 0;
        foreach (KeyValuePair<PackedKey, long> kv in state.Counts)
        {
            (int day, int course, EventFamily family) = EventsDailyPartial.Fields(kv.Key);
            entries[n++] = (day, course < 0 ? -1 : courses[course], family, kv.Value);
        }

        Array.Sort(entries);
        writer.WriteUInt((ulong)entries.Length);
        foreach ((int day, int course, EventFamily family, long events) in entries)
        {
            writer.WriteInt(day);
            writer.WriteInt(course);
            writer.WriteUInt((ulong)family);
            writer.WriteUInt((ulong)events);
        }
    }

    /// <inheritdoc/>
    public EventsDailyPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long kept = (long)reader.ReadUInt();
        _facts.AddCounts(kept, (long)reader.ReadUInt());
        int[] courses = _facts.Courses.ReadMap(reader);
        var partial = new EventsDailyPartial();
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int day = (int)reader.ReadInt();
            int course = CourseTable.Remap(courses, reader.ReadInt(), reader);
            var family = (EventFamily)reader.ReadUInt();
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(partial.Counts, EventsDailyPartial.Key(day, course, family), out _) += (long)reader.ReadUInt();
        }

        return partial;
    }
}
