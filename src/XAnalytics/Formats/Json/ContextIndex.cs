namespace XAnalytics.Formats.Json;

/// <summary>
/// Where the members of an event's top-level <c>context</c> object stand (offsets in the event's line, as its
/// top-level fields' are), recorded by <see cref="JsonStructuralIndexer"/> while it walks the object anyway.
/// </summary>
/// <remarks>
/// <c>context.course_id</c> and <c>context.user_id</c> are read for every event by every report and by a count or
/// filter by course; indexing the object again for each cost a count by <c>context.course_id</c> 165 ns an event
/// where a top-level field costs 19 (FieldBenchmarks).
/// </remarks>
internal struct ContextIndex
{
    /// <summary>The buffer the members are written to (grown when needed); null: do not record them.</summary>
    public TopField[]? Members;

    /// <summary>How many members were recorded.</summary>
    public int Count;

    /// <summary>The place of the <c>context</c> field whose members these are in the event's field index; -1 when none was.</summary>
    public int Field;
}
