using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

/// <summary>
/// Which events a run keeps. Every condition given must hold (they are ANDed); an empty list or null bound
/// does not filter. Validated once, by <see cref="FilterStage.Create"/>.
/// </summary>
public sealed record FilterOptions
{
    /// <summary>Keep events whose <c>time</c> is at or after this instant. Default null.</summary>
    public DateTimeOffset? MinTime { get; init; }

    /// <summary>Keep events whose <c>time</c> is at or before this instant (inclusive; see <see cref="FilterDates.ParseMax"/>). Default null.</summary>
    public DateTimeOffset? MaxTime { get; init; }

    /// <summary>Keep events whose <c>event_type</c> is one of these (exact). Default: any.</summary>
    public IReadOnlyList<string> EventTypes { get; init; } = [];

    /// <summary>
    /// Keep events of these courses, in any id shape: matched on canonical ids (<see cref="CourseKey.Matches"/>)
    /// against the event's course as <see cref="CourseResolver"/> finds it. Default: any.
    /// </summary>
    public IReadOnlyList<string> Courses { get; init; } = [];

    /// <summary>Keep events of these users (<c>username</c>, else <c>context.username</c>; exact). Default: any.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Keep events whose field has one of the values (<see cref="FieldCondition"/>). Default: none.</summary>
    public IReadOnlyList<FieldCondition> Where { get; init; } = [];

    /// <summary>True when no condition is set.</summary>
    public bool IsEmpty => MinTime is null && MaxTime is null && EventTypes.Count == 0 && Courses.Count == 0 && Users.Count == 0 && Where.Count == 0;
}

/// <summary>
/// A condition on any field: the field exists and equals one of <paramref name="Values"/>. Strings are compared
/// on their unescaped text; numbers, booleans, null, objects and arrays on their JSON text (<c>true</c>, <c>3</c>).
/// </summary>
/// <param name="Path">The field path (<see cref="FieldPath.Parse"/>).</param>
/// <param name="Values">The accepted values.</param>
public sealed record FieldCondition(string Path, IReadOnlyList<string> Values)
{
    /// <summary>Parses <c>FIELD=V1,V2</c> (the values split on commas).</summary>
    /// <exception cref="FormatException">No <c>=</c>, or an empty field.</exception>
    public static FieldCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new FormatException($"A condition is FIELD=VALUE[,VALUE...]; got '{text}'.");
        }

        return new FieldCondition(text[..eq].Trim(), text[(eq + 1)..].Split(','));
    }
}

/// <summary>Free-form dates for filters, as the CLI and embedders take them.</summary>
public static class FilterDates
{
    private static readonly string[] s_dateOnly = ["yyyy-MM-dd", "yyyyMMdd", "yyyy/MM/dd"];

    /// <summary>A lower bound: a date (its first instant, UTC) or a date and time (UTC unless it names an offset).</summary>
    /// <exception cref="FormatException">Not a date.</exception>
    public static DateTimeOffset ParseMin(string text) => Parse(text, endOfDay: false);

    /// <summary>An inclusive upper bound: a date only means the whole of that day (UTC); a date and time is that instant.</summary>
    /// <exception cref="FormatException">Not a date.</exception>
    public static DateTimeOffset ParseMax(string text) => Parse(text, endOfDay: true);

    private static DateTimeOffset Parse(string text, bool endOfDay)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (DateTime.TryParseExact(t, s_dateOnly, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day))
        {
            var start = new DateTimeOffset(day.Date, TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }

        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset instant))
        {
            return instant;
        }

        throw new FormatException($"Not a date or time: '{text}' (try 2015-03-01 or 2015-03-01T10:00:00Z).");
    }

    /// <summary>Parses an event's <c>time</c> (ISO 8601, UTC when it names no offset) without allocating for the usual shapes.</summary>
    internal static bool TryParseEventTime(ReadOnlySpan<byte> utf8, out DateTimeOffset time)
    {
        if (System.Buffers.Text.Utf8Parser.TryParse(utf8, out DateTimeOffset t, out int consumed, 'O') && consumed == utf8.Length)
        {
            time = t;
            return true;
        }

        Span<char> chars = stackalloc char[64];
        if (utf8.Length <= chars.Length && Encoding.UTF8.TryGetChars(utf8, chars, out int n)
            && DateTimeOffset.TryParse(chars[..n], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }

        time = default;
        return false;
    }
}

/// <summary>
/// Leaves out the events that do not meet <see cref="FilterOptions"/>, counting them as filtered. One pass per
/// event, cheapest conditions first; runs on all threads (each with its own <see cref="CourseResolver"/>).
/// </summary>
public static class FilterStage
{
    /// <summary>The stage's name in counters.</summary>
    public const string Name = "filter";

    private static readonly FieldPath s_time = FieldPath.Parse("time");
    private static readonly FieldPath s_type = FieldPath.Parse("event_type");
    private static readonly FieldPath s_user = FieldPath.Parse("username");
    private static readonly FieldPath s_contextUser = FieldPath.Parse("context.username");

    [ThreadStatic]
    private static CourseResolver? s_resolver;

    /// <summary>The stage, for <see cref="EventPipeline"/>. Validates the options now.</summary>
    /// <exception cref="FormatException">A bad field path or course id.</exception>
    public static IEventStage Create(FilterOptions options)
    {
        Compiled compiled = Compile(options);
        return new FactoryStage(Name, false, context => CreateBlock(context, compiled));
    }

    /// <summary>The stage's block for one run.</summary>
    public static IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context, FilterOptions options)
        => CreateBlock(context, Compile(options));

    private static TransformBlock<EventBatch, EventBatch> CreateBlock(StageContext context, Compiled filter)
    {
        ArgumentNullException.ThrowIfNull(context);
        StageCounters counters = context.Counters.ForStage(Name);
        return new TransformBlock<EventBatch, EventBatch>(batch => Process(batch, context.Counters, counters, filter), context.ParallelBlockOptions());
    }

    private static Compiled Compile(FilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MinTime > options.MaxTime)
        {
            throw new ArgumentException($"The minimum date {options.MinTime:O} is after the maximum {options.MaxTime:O}.", nameof(options));
        }

        var courses = new CourseKey[options.Courses.Count];
        for (int c = 0; c < courses.Length; c++)
        {
            if (!CourseKey.TryParse(options.Courses[c].AsSpan(), out courses[c]))
            {
                throw new FormatException($"Not a course id: '{options.Courses[c]}'.");
            }
        }

        var where = new (FieldPath, byte[][])[options.Where.Count];
        for (int w = 0; w < where.Length; w++)
        {
            FieldCondition condition = options.Where[w];
            where[w] = (FieldPath.Parse(condition.Path), [.. condition.Values.Select(Encoding.UTF8.GetBytes)]);
        }

        return new Compiled(
            options.MinTime?.UtcTicks ?? long.MinValue,
            options.MaxTime?.UtcTicks ?? long.MaxValue,
            options.MinTime is not null || options.MaxTime is not null,
            Set(options.EventTypes),
            Set(options.Users),
            courses,
            where);
    }

    private static HashSet<string>? Set(IReadOnlyList<string> values) => values.Count == 0 ? null : new HashSet<string>(values, StringComparer.Ordinal);

    internal static EventBatch Process(EventBatch batch, RunCounters run, StageCounters counters, Compiled filter)
    {
        int count = batch.Count;
        int kept = batch.RetainWhere(filter, static (b, i, f) => Matches(b, i, f));
        run.AddFiltered(count - kept);
        counters.Add(count, kept);
        return batch;
    }

    private static bool Matches(EventBatch batch, int i, Compiled f)
    {
        if (f.HasTime)
        {
            if (!batch.TryGetField(i, s_time, out FieldValue time) || time.Kind != JsonTokenType.String
                || !FilterDates.TryParseEventTime(time.Utf8, out DateTimeOffset t) || t.UtcTicks < f.MinTicks || t.UtcTicks > f.MaxTicks)
            {
                return false;
            }
        }

        if (f.EventTypes is not null && !(batch.TryGetField(i, s_type, out FieldValue type) && InSet(type, f.EventTypes)))
        {
            return false;
        }

        if (f.Users is not null)
        {
            bool found = batch.TryGetField(i, s_user, out FieldValue user) && user.Kind == JsonTokenType.String && user.Utf8.Length > 0;
            if (!found && !(batch.TryGetField(i, s_contextUser, out user) && user.Kind == JsonTokenType.String))
            {
                return false;
            }

            if (!InSet(user, f.Users))
            {
                return false;
            }
        }

        if (f.Courses.Length > 0)
        {
            CourseResolver resolver = s_resolver ??= new CourseResolver();
            if (!resolver.TryResolve(batch, i, out CourseKey key) || !AnyCourse(f.Courses, key))
            {
                return false;
            }
        }

        foreach ((FieldPath path, byte[][] values) in f.Where)
        {
            if (!batch.TryGetField(i, path, out FieldValue value) || !AnyValue(value, values))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyCourse(CourseKey[] courses, CourseKey key)
    {
        foreach (CourseKey c in courses)
        {
            if (c.Matches(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyValue(FieldValue value, byte[][] values)
    {
        foreach (byte[] v in values)
        {
            if (value.ValueEquals(v))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InSet(FieldValue value, HashSet<string> set)
    {
        if (value.Kind != JsonTokenType.String)
        {
            return false;
        }

        ReadOnlySpan<byte> utf8 = value.Utf8;
        if (value.HasEscapes || utf8.Length > 512)
        {
            return set.Contains(value.GetString()!);
        }

        Span<char> chars = stackalloc char[utf8.Length];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        return set.GetAlternateLookup<ReadOnlySpan<char>>().Contains(chars[..n]);
    }

    internal sealed record Compiled(long MinTicks, long MaxTicks, bool HasTime, HashSet<string>? EventTypes, HashSet<string>? Users, CourseKey[] Courses, (FieldPath Path, byte[][] Values)[] Where);
}
