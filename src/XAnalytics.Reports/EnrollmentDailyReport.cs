using System.Runtime.InteropServices;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>enrollment_daily.csv</c>: per course and UTC day with enrollment events, the <c>edx.course.enrollment.activated</c>,
/// <c>.deactivated</c> and <c>.mode_changed</c> events, and the running net enrollment (activations minus
/// deactivations, summed over the course's days in order). Events are counted as logged: a repeated activation
/// counts twice (edX's enrollment tasks de-duplicate per user; this report does not follow users).
/// </summary>
public sealed class EnrollmentDailyReport : IEventAggregate<EnrollmentDailyPartial>
{
    private readonly EventFacts _facts;

    internal EnrollmentDailyReport(EventFacts facts) => _facts = facts;

    /// <summary>The rows, by course and day; null until the run has ended.</summary>
    public IReadOnlyList<EnrollmentDailyRow>? Rows { get; private set; }

    /// <inheritdoc/>
    public EnrollmentDailyPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(EnrollmentDailyPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        foreach (ref readonly EventFact f in facts)
        {
            if (!f.Kept || f.Enrollment == EnrollmentChange.None || f.Course < 0)
            {
                continue;
            }

            ref EnrollmentCounts c = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Counts, (f.Course, f.Day), out _);
            switch (f.Enrollment)
            {
                case EnrollmentChange.Activated:
                    c.Activations++;
                    break;
                case EnrollmentChange.Deactivated:
                    c.Deactivations++;
                    break;
                default:
                    c.ModeChanges++;
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public void Merge(EnrollmentDailyPartial into, EnrollmentDailyPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        foreach (KeyValuePair<(int, int), EnrollmentCounts> kv in from.Counts)
        {
            ref EnrollmentCounts c = ref CollectionsMarshal.GetValueRefOrAddDefault(into.Counts, kv.Key, out _);
            c.Activations += kv.Value.Activations;
            c.Deactivations += kv.Value.Deactivations;
            c.ModeChanges += kv.Value.ModeChanges;
        }
    }

    /// <inheritdoc/>
    public void Complete(EnrollmentDailyPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var days = new List<(string Course, int Day, EnrollmentCounts Counts)>(result.Counts.Count);
        foreach (KeyValuePair<(int Course, int Day), EnrollmentCounts> kv in result.Counts)
        {
            days.Add((_facts.Courses.Name(kv.Key.Course), kv.Key.Day, kv.Value));
        }

        days.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Course, b.Course);
            return c != 0 ? c : a.Day.CompareTo(b.Day);
        });
        var rows = new List<EnrollmentDailyRow>(days.Count);
        long net = 0;
        for (int i = 0; i < days.Count; i++)
        {
            if (i == 0 || days[i].Course != days[i - 1].Course)
            {
                net = 0;
            }

            EnrollmentCounts c = days[i].Counts;
            net += c.Activations - c.Deactivations;
            rows.Add(new EnrollmentDailyRow(days[i].Course, DateOnly.FromDayNumber(days[i].Day), c.Activations, c.Deactivations, c.ModeChanges, net));
        }

        Rows = rows;
    }
}
