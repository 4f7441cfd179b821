using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Reports;

/// <summary>
/// <c>countries.csv</c>: learners per country per course. As in edX's pipeline (<c>location_per_course.py</c>:
/// the last IP address of each user and day, then the user's last country), a learner's country is the country
/// of the last non-blank <c>ip</c> they were seen with, by event time, over all their events (in any course or
/// none); ties at the same instant go to the greater address text, so the answer does not depend on threads.
/// A learner (a <c>context.user_id</c>) counts in each course they have an event in. Addresses that are blank,
/// unparseable or not in the database give <c>UNKNOWN</c>. Countries are joined to the CIA Factbook by ISO code
/// when it is available.
/// </summary>
public sealed class CountriesReport : IPartialAggregate<CountriesPartial>
{
    private const int MaxIpBytes = 64;
    private readonly EventFacts _facts;
    private readonly GeoIpCountryResolver _geoIp;
    private readonly Task<FactbookColumns>? _factbookLoad;
    private FactbookColumns? _factbook;
    private readonly double _gdpThreshold;

    internal CountriesReport(EventFacts facts, GeoIpCountryResolver geoIp, Task<FactbookColumns>? factbook, double gdpThreshold)
    {
        _facts = facts;
        _geoIp = geoIp;
        _factbookLoad = factbook;
        _gdpThreshold = gdpThreshold;
    }

    /// <summary>The rows, by course then learners (most first) then country; null until the run has ended.</summary>
    public IReadOnlyList<CountryRow>? Rows { get; private set; }

    /// <summary>Learners per country over all courses (each learner once), most first; null until the run has ended.</summary>
    public IReadOnlyList<CountryRow>? Overall { get; private set; }

    /// <summary>Per course, then over all courses (course id empty), the share of learners from countries under the GDP threshold; null until the run has ended or without the Factbook.</summary>
    public IReadOnlyList<GdpShareRow>? GdpShares { get; private set; }

    /// <inheritdoc/>
    public CountriesPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(CountriesPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept || f.User == 0)
            {
                continue;
            }

            if (f.Course >= 0 && (f.Course, f.User) != target.LastLearner)
            {
                target.Learners.Add((f.Course, f.User));
                target.LastLearner = (f.Course, f.User);
            }

            if (f.IpLength is > 0 and <= MaxIpBytes)
            {
                ReadOnlySpan<byte> ip = batch.GetUtf8(i).Slice(f.IpOffset, f.IpLength);
                LastIp? last = target.CurrentUser == f.User ? target.Current : null;
                if (last is null && !target.LastIp.TryGetValue(f.User, out last))
                {
                    target.LastIp[f.User] = last = new LastIp();
                }

                (target.CurrentUser, target.Current) = (f.User, last);
                last.Offer(f.Ticks, ip);
            }
        }
    }

    /// <inheritdoc/>
    public void Merge(CountriesPartial into, CountriesPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Learners.UnionWith(from.Learners);
        foreach (KeyValuePair<long, LastIp> kv in from.LastIp)
        {
            if (into.LastIp.TryGetValue(kv.Key, out LastIp? last))
            {
                last.Offer(kv.Value.Ticks, kv.Value.Ip);
            }
            else
            {
                into.LastIp[kv.Key] = kv.Value;
            }
        }
    }

    /// <inheritdoc/>
    public void Complete(CountriesPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _factbook = _factbookLoad?.GetAwaiter().GetResult();
        var countryOf = new Dictionary<long, string>(result.LastIp.Count);
        foreach (KeyValuePair<long, LastIp> kv in result.LastIp)
        {
            countryOf[kv.Key] = _geoIp.ResolveUtf8(kv.Value.Ip);
        }

        var perCourse = new Dictionary<(int Course, string Country), long>();
        var overall = new Dictionary<string, long>(StringComparer.Ordinal);
        var seen = new HashSet<long>();
        foreach ((int course, long user) in result.Learners)
        {
            string country = countryOf.GetValueOrDefault(user, GeoIpCountryResolver.Unknown);
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perCourse, (course, country), out _)++;
            if (seen.Add(user))
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(overall, country, out _)++;
            }
        }

        var rows = new List<CountryRow>(perCourse.Count);
        foreach (KeyValuePair<(int Course, string Country), long> kv in perCourse)
        {
            rows.Add(MakeRow(_facts.Courses.Name(kv.Key.Course), kv.Key.Country, kv.Value));
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            c = c != 0 ? c : b.Learners.CompareTo(a.Learners);
            return c != 0 ? c : string.CompareOrdinal(a.Country, b.Country);
        });
        var overallRows = new List<CountryRow>(overall.Count);
        foreach (KeyValuePair<string, long> kv in overall)
        {
            overallRows.Add(MakeRow("", kv.Key, kv.Value));
        }

        overallRows.Sort(static (a, b) =>
        {
            int c = b.Learners.CompareTo(a.Learners);
            return c != 0 ? c : string.CompareOrdinal(a.Country, b.Country);
        });
        Rows = rows;
        Overall = overallRows;
        if (_factbook is not null)
        {
            var shares = new List<GdpShareRow>();
            int start = 0;
            for (int i = 1; i <= rows.Count; i++)
            {
                if (i == rows.Count || rows[i].CourseId != rows[start].CourseId)
                {
                    shares.Add(Share(rows[start].CourseId, rows, start, i));
                    start = i;
                }
            }

            shares.Add(Share("", overallRows, 0, overallRows.Count));
            GdpShares = shares;
        }
    }

    private GdpShareRow Share(string course, List<CountryRow> rows, int from, int to)
    {
        long known = 0, below = 0;
        for (int i = from; i < to; i++)
        {
            if (rows[i].GdpPerCapita is double gdp)
            {
                known += rows[i].Learners;
                below += gdp < _gdpThreshold ? rows[i].Learners : 0;
            }
        }

        BinomialInterval? interval = known > 0 ? BinomialInterval.Compute(below, known) : null;
        return new GdpShareRow(course, _gdpThreshold, known, below, interval);
    }

    private CountryRow MakeRow(string course, string country, long learners)
    {
        FactbookColumns.Entry? entry = _factbook?.Find(country);
        return new CountryRow(course, country, entry?.Name, learners, entry?.GdpPerCapita, entry?.Languages, entry?.InternetUsers);
    }

    /// <inheritdoc/>
    public string StateName => "report.countries";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses, every (course, user), then every user's latest address (time in UTC ticks, the address's bytes).
    /// Addresses are resolved to countries at the merge, with the merge's GeoIP database.
    /// </remarks>
    public void WritePartial(CountriesPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        int[] courses = _facts.Courses.WriteSorted(writer);

        // Sorted (courses by position): the bytes do not depend on the order threads met the events.
        var learners = new (int Course, long User)[state.Learners.Count];
        int n = 0;
        foreach ((int course, long user) in state.Learners)
        {
            learners[n++] = (course < 0 ? -1 : courses[course], user);
        }

        Array.Sort(learners);
        writer.WriteUInt((ulong)learners.Length);
        foreach ((int course, long user) in learners)
        {
            writer.WriteInt(course);
            writer.WriteInt(user);
        }

        KeyValuePair<long, LastIp>[] addresses = [.. state.LastIp];
        Array.Sort(addresses, static (a, b) => a.Key.CompareTo(b.Key));
        writer.WriteUInt((ulong)addresses.Length);
        foreach (KeyValuePair<long, LastIp> kv in addresses)
        {
            writer.WriteInt(kv.Key);
            writer.WriteInt(kv.Value.Ticks);
            writer.WriteBytes(kv.Value.Ip);
        }
    }

    /// <inheritdoc/>
    public CountriesPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int[] courses = _facts.Courses.ReadMap(reader);
        var partial = new CountriesPartial();
        int learners = reader.ReadCount();
        partial.Learners.EnsureCapacity(learners);
        for (int i = 0; i < learners; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadInt(), reader);
            partial.Learners.Add((course, reader.ReadInt()));
        }

        int users = reader.ReadCount();
        for (int i = 0; i < users; i++)
        {
            long user = reader.ReadInt();
            long ticks = reader.ReadInt();
            ReadOnlySpan<byte> ip = reader.ReadBytes();
            var last = new LastIp();
            last.Offer(ticks, ip);
            partial.LastIp[user] = last;
        }

        return partial;
    }
}
