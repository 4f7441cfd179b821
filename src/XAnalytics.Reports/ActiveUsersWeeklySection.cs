using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>active_users_weekly.csv</c>: the usernames active in each ISO week (Monday to the next Monday), as edX's
/// <c>ActiveUsersTask</c> computed them (<c>edx/analytics/tasks/warehouse/load_internal_reporting_active_users.py</c>,
/// removed from edx-analytics-pipeline in commit 6cb7423c with the other Vertica jobs): <c>mapper</c> keeps every event
/// with a time in the interval and a non-blank <c>username</c> (<c>get_event_username</c>: stripped), whatever its
/// type, source or course, and keys it by the ISO week of its date (<c>isoweek.Week.monday()</c> to
/// <c>sunday() + 1</c>); <c>reducer</c> writes each (week, username) once.
/// </summary>
/// <remarks>
/// The date is the event's UTC date; edX took the date as written in <c>time</c> (the same for edX's <c>+00:00</c> times).
/// <c>report --course</c> narrows it to those courses' events, which edX's task had no parameter for.
/// </remarks>
public sealed class ActiveUsersWeeklySection : IPartialAggregate<ActiveUsersWeeklyPartial>, IReportSection
{
    /// <summary>The section's name for <c>--only</c>.</summary>
    public const string SectionName = "active_users_weekly";


    private readonly EventFacts _facts;

    internal ActiveUsersWeeklySection(EventFacts facts)
    {
        _facts = facts;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows, by week and username; null until the run has ended.</summary>
    public IReadOnlyList<ActiveUsersWeeklyRow>? Rows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["active_users_weekly.csv", "active_users_weekly.parquet"];

    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public ActiveUsersWeeklyPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(ActiveUsersWeeklyPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept)
            {
                continue;
            }

            // DayNumber 0 (0001-01-01) is a Monday, so an ISO week starts at the day number rounded down to 7.
            int week = f.Day - (f.Day % 7);

            // The username as written where the facts found it: the same bytes as the last pair's, in the same week,
            // is that pair again (a learner's events come in runs), without a lookup, strip or hash.
            ReadOnlySpan<byte> written = f.NameOffset >= 0 ? batch.GetUtf8(i).Slice(f.NameOffset, f.NameLength) : default;
            if (f.NameOffset >= 0 && week == target.LastWeek && target.IsLastWritten(written))
            {
                continue;
            }

            FieldValue name = EventFacts.Username(batch, i, f); // located by the facts: no second lookup
            byte[] scratch = target.Scratch;
            ReadOnlySpan<byte> username = EdxValues.StrippedString(name, ref scratch);
            target.Scratch = scratch;
            if (username.IsEmpty)
            {
                continue;
            }

            ulong user = EdxValues.Hash(username);
            if (week == target.LastWeek && user == target.LastUser)
            {
                target.SetLastWritten(f.NameOffset >= 0, written);
                continue;
            }

            if (target.Active.Add(new PackedKey(week, (long)user)))
            {
                target.Names.TryAdd(user, Encoding.UTF8.GetString(username));
            }

            (target.LastWeek, target.LastUser) = (week, user);
            target.SetLastWritten(f.NameOffset >= 0, written);
        }
    }

    /// <inheritdoc/>
    public void Merge(ActiveUsersWeeklyPartial into, ActiveUsersWeeklyPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Active.UnionWith(from.Active);
        foreach (KeyValuePair<ulong, string> kv in from.Names)
        {
            into.Names.TryAdd(kv.Key, kv.Value);
        }
    }

    /// <inheritdoc/>
    public void Complete(ActiveUsersWeeklyPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<ActiveUsersWeeklyRow>(result.Active.Count);
        foreach (PackedKey key in result.Active)
        {
            (int week, ulong user) = ((int)key.High, (ulong)key.Low);
            var monday = DateOnly.FromDayNumber(week);
            rows.Add(new ActiveUsersWeeklyRow(monday, monday.AddDays(7), result.Names[user]));
        }

        // Nothing reads the partial after its rows are built: drop its tables before the rows are sorted and the next
        // section builds its rows.
        result.Active.Clear();
        result.Active.TrimExcess();
        result.Names.Clear();
        result.Names.TrimExcess();

        rows.Sort(static (a, b) =>
        {
            int c = a.StartDate.CompareTo(b.StartDate);
            return c != 0 ? c : string.CompareOrdinal(a.Username, b.Username);
        });
        Rows = rows;
    }

    /// <inheritdoc/>
    public string StateName => "report.active-users-weekly";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>The usernames (see <see cref="PartialTexts"/>), then (week's Monday as a day number, username) in that order.</remarks>
    public void WritePartial(ActiveUsersWeeklyPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        var used = new HashSet<ulong>();
        foreach (PackedKey key in state.Active)
        {
            used.Add((ulong)key.Low);
        }

        Dictionary<ulong, int> users = PartialTexts.Write(writer, state.Names, used);
        var entries = new List<(int Week, int User)>(state.Active.Count);
        foreach (PackedKey key in state.Active)
        {
            entries.Add(((int)key.High, users[(ulong)key.Low]));
        }

        entries.Sort();
        writer.WriteUInt((ulong)entries.Count);
        foreach ((int week, int user) in entries)
        {
            writer.WriteInt(week);
            writer.WriteUInt((ulong)user);
        }
    }

    /// <inheritdoc/>
    public ActiveUsersWeeklyPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new ActiveUsersWeeklyPartial();
        ulong[] users = PartialTexts.Read(reader, partial.Names);
        int n = reader.ReadCount();
        partial.Active.EnsureCapacity(n);
        for (int i = 0; i < n; i++)
        {
            int week = (int)reader.ReadInt();
            partial.Active.Add(new PackedKey(week, (long)PartialTexts.At(users, reader.ReadCount(), reader)));
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, "active_users_weekly", format, ReportTable.Day("start_date"), ReportTable.Day("end_date"), ReportTable.Text("username"));
        foreach (ActiveUsersWeeklyRow r in Rows ?? [])
        {
            table.Add(r.StartDate).Add(r.EndDate).Add(r.Username).EndRow();
        }

        table.Complete();
        written.Add(table.FileName);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        // Usernames are not shown in the page (it is read more widely than the CSV): only the count per week.
        var perWeek = new SortedDictionary<DateOnly, long>();
        foreach (ActiveUsersWeeklyRow r in Rows ?? [])
        {
            perWeek[r.StartDate] = perWeek.GetValueOrDefault(r.StartDate) + 1;
        }

        var weeks = new List<KeyValuePair<DateOnly, long>>(perWeek);
        html.Append("<h2>Active users per week</h2>\n<p class=\"note\">Distinct usernames with any event per ISO week, all courses (edX's active users task); "
            + "the usernames are in <a href=\"active_users_weekly.csv\">active_users_weekly.csv</a>.</p>\n");
        ReportWriter.Table(html, ["week from", "to", "users"], weeks.Count, i =>
            [CsvTable.Date(weeks[i].Key), CsvTable.Date(weeks[i].Key.AddDays(7)), ReportWriter.N(weeks[i].Value)], numeric: [2]);
    }
}
