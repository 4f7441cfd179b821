using System.Text;
using System.Text.Json;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages;

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
