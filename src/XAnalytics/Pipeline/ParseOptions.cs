using System.Text;

namespace XAnalytics.Pipeline;

/// <summary>How the parse stage turns lines into events. Part of <see cref="Pipeline.PipelineOptions"/>.</summary>
public sealed record ParseOptions
{
    /// <summary>
    /// Retry a line rejected as truncated with its JSON closed (an open string closed, a dangling key, colon,
    /// comma or unfinished number dropped, the missing brackets appended in order). A line that then parses is an
    /// event, counted in the parse stage's <see cref="Pipeline.StageCounters.Changed"/> and its
    /// <c>repaired</c> fact; otherwise it stays a <c>truncated</c> reject. Default false.
    /// </summary>
    public bool RepairTruncated { get; init; }

    /// <summary>
    /// A fast prefilter on raw line bytes, run before validation (<see cref="ContainsText"/> for a grep). Lines it
    /// turns down are counted as filtered. Default null: every line is parsed.
    /// </summary>
    public LinePredicate? LineFilter { get; init; }

    /// <summary>
    /// Also record where the members of each event's <c>context</c> object stand, while the line is validated: a run
    /// that reads <c>context.*</c> fields for every event (the reports, a count or filter by course or user) then finds
    /// them as fast as a top-level field (a count's lookup of <c>context.course_id</c>: 106 against 25 ns an event;
    /// FieldBenchmarks), for about 40 ns more per event in the parse (ParseBenchmarks). Results are the same either
    /// way. Default false.
    /// </summary>
    public bool IndexContext { get; init; }

    /// <summary>
    /// A prefilter that keeps lines containing <paramref name="text"/> as UTF-8 bytes, case-sensitive, as written
    /// in the raw JSON (so text that the JSON escapes, like a quote, must be given escaped).
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static LinePredicate ContainsText(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        byte[] needle = Encoding.UTF8.GetBytes(text);
        return line => line.IndexOf(needle) >= 0;
    }
}
