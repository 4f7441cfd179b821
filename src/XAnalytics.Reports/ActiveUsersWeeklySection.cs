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

    /// <summary>Pairs a worker's table holds before it hands them to the learner buckets: 32,768 (about 1 MiB).</summary>
    internal const int DefaultTableCapacity = 32_768;

    /// <summary>Pairs per learner bucket a worker holds before writing them to the scratch folder: 2048 (32 KiB, under the large object heap's threshold).</summary>
    internal const int DefaultBlockRecords = 2048;

    private readonly EventFacts _facts;
    private readonly BucketSpill<PackedKey> _spill;
    private readonly string? _scratch;
    private readonly long _rowSpillBytes;

    internal ActiveUsersWeeklySection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _spill = new BucketSpill<PackedKey>(options.ScratchDirectory, "active-users-weekly");
        _scratch = options.ScratchDirectory;
        _rowSpillBytes = options.RowSpillBytes ?? ReportOptions.DefaultRowSpillBytes;
        TableCapacity = options.ActiveUsersWeeklyHeld ?? DefaultTableCapacity;
        BlockRecords = options.ActiveUsersWeeklyHeld ?? DefaultBlockRecords;
        Part = AggregatePart.Of(this);
    }

    /// <summary>Pairs per worker table (<see cref="DefaultTableCapacity"/> unless a test says otherwise).</summary>
    internal int TableCapacity { get; }

    /// <summary>Pairs per held block (<see cref="DefaultBlockRecords"/> unless a test says otherwise).</summary>
    internal int BlockRecords { get; }

    /// <summary>The section's scratch files (for tests).</summary>
    internal BucketSpill<PackedKey> Spill => _spill;

    /// <summary>
    /// The rows, by week and username; null until the run has ended. Kept compact: each row is made when read (read
    /// it once rather than index it again and again).
    /// </summary>
    public IReadOnlyList<ActiveUsersWeeklyRow>? Rows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["active_users_weekly.csv", "active_users_weekly.parquet"];

    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public ActiveUsersWeeklyPartial CreatePartial() => new(_spill, TableCapacity, BlockRecords, _facts.Usernames);

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

            if (target.Add(new PackedKey(week, (long)user)))
            {
                // New to the table (perhaps not to the partial: the table empties now and then): the text once per hash.
                target.Names.Add(user, username);
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
        into.Records.MergeFrom(from.Records);
        foreach (PackedKey pair in from.Active)
        {
            into.Add(pair);
        }

        from.Active.Clear();
        into.Names.Merge(from.Names);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Bucket after bucket (a learner's pairs are all in one): its pairs sorted and each distinct pair kept once, as an
    /// 8-byte <see cref="ActiveUsersWeeklyItem"/> (week, username's rank) in a sorted run per bucket, merged as the rows
    /// are read (<see cref="ActiveUsersWeeklyRowList"/>). What stays: the usernames (once each) and 8 bytes per row.
    /// </remarks>
    public void Complete(ActiveUsersWeeklyPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            result.Flush();
            (string[] users, Dictionary<ulong, int> rank) = result.Names.Ranks();
            result.Names.Release();
            // Past the budget the rows are kept in a scratch file until written (see ModuleEngagementSection.Complete).
            using var runs = new SortedRuns<ActiveUsersWeeklyItem>(result.Records.Total, _rowSpillBytes, _scratch, "active-users-weekly-rows");
            var bucket = new RecordBuffer<PackedKey>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                bucket.Clear();
                result.Records.ReadBucket(b, bucket);
                result.Records.ReleaseBucket(b);
                ReadOnlySpan<PackedKey> pairs = SortedDistinct(bucket.Span);
                Span<ActiveUsersWeeklyItem> run = runs.Next(pairs.Length);
                for (int i = 0; i < run.Length; i++)
                {
                    run[i] = new ActiveUsersWeeklyItem((int)pairs[i].High, rank[(ulong)pairs[i].Low]);
                }

                runs.Commit(run.Length);
            }

            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now
            Rows = new ActiveUsersWeeklyRowList(runs, users);
        }
        finally
        {
            _spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled, or wrote its partial (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill()
    {
        _spill.Close();
        (Rows as IDisposable)?.Dispose(); // its rows' scratch file, if it has one
    }

    /// <inheritdoc/>
    public string StateName => "report.active-users-weekly";

    /// <inheritdoc/>
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The usernames (see <see cref="PartialTexts"/>), then the learner buckets' count and per bucket its distinct
    /// (week's Monday as a day number, username's position) pairs, sorted (so the bytes do not depend on the threads):
    /// their count, then the pairs.
    /// </remarks>
    public void WritePartial(ActiveUsersWeeklyPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        state.Flush();

        // The usernames of this partial's pairs (the table is the run's, shared with the other learner sections).
        HashSet<ulong> used = PartialTexts.Used(state.Records, static pair => (ulong)pair.Low);
        Dictionary<ulong, int> users = PartialTexts.Write(writer, hash => state.Names[hash], used);
        writer.WriteUInt(LearnerBuckets.Count);
        var bucket = new RecordBuffer<PackedKey>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            state.Records.ReadBucket(b, bucket);
            Span<PackedKey> pairs = SortedDistinct(bucket.Span);
            for (int i = 0; i < pairs.Length; i++)
            {
                pairs[i] = new PackedKey(pairs[i].High, users[(ulong)pairs[i].Low]);
            }

            pairs.Sort(default(PackedKey.Order)); // by position: the same in every process
            writer.WriteUInt((ulong)pairs.Length);
            foreach (PackedKey pair in pairs)
            {
                writer.WriteInt(pair.High);
                writer.WriteUInt((ulong)pair.Low);
            }
        }
    }

    /// <inheritdoc/>
    public ActiveUsersWeeklyPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ActiveUsersWeeklyPartial partial = CreatePartial();
        ulong[] users = PartialTexts.Read(reader, partial.Names.Add);
        int groups = reader.ReadCount();
        for (int g = 0; g < groups; g++)
        {
            int n = reader.ReadCount();
            for (int i = 0; i < n; i++)
            {
                long week = reader.ReadInt();
                if (week < 0 || week > DateOnly.MaxValue.DayNumber || week % 7 != 0)
                {
                    throw reader.Corrupt($"a week of {week}");
                }

                ulong user = PartialTexts.At(users, reader.ReadCount(), reader);
                partial.Records.Add(LearnerBuckets.Of((long)user), new PackedKey(week, (long)user));
            }
        }

        return partial;
    }

    /// <summary>Sorts <paramref name="pairs"/> and moves each distinct pair once to the front.</summary>
    private static Span<PackedKey> SortedDistinct(Span<PackedKey> pairs)
    {
        pairs.Sort(default(PackedKey.Order));
        int n = 0;
        for (int i = 0; i < pairs.Length; i++)
        {
            if (n == 0 || pairs[i] != pairs[n - 1])
            {
                pairs[n++] = pairs[i];
            }
        }

        return pairs[..n];
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, "active_users_weekly", format, ReportTable.Day("start_date"), ReportTable.Day("end_date"), ReportTable.Text("username"));
        if (Rows is ActiveUsersWeeklyRowList compact)
        {
            compact.WriteTo(table, format == ReportFormat.Csv); // from the compact rows: no row object is made
        }
        else
        {
            foreach (ActiveUsersWeeklyRow r in Rows ?? [])
            {
                table.Add(r.StartDate).Add(r.EndDate).Add(r.Username).EndRow();
            }
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
