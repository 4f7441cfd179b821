namespace XAnalytics.Sinks;

/// <summary>Options of <see cref="EventExportSink"/>.</summary>
public sealed record EventExportOptions
{
    /// <summary>The output folder: created whole in a hidden staging folder beside it and published by one rename. It must not exist or be empty. Required.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Per organization or per course.</summary>
    public EventExportGrouping By { get; init; } = EventExportGrouping.Course;

    /// <summary>The site name in organization exports' paths and file names (edX's <c>environment</c>: <c>edx</c>, <c>edge</c>); default <c>edx</c>.</summary>
    public string Environment { get; init; } = "edx";

    /// <summary>Organization exports: only these organizations (edX's configured organizations, compared as written); default empty: any organization found.</summary>
    public IReadOnlyList<string> Organizations { get; init; } = [];

    /// <summary>Course exports: only these course ids (compared as written, as edX's <c>--course</c>); default empty: every course.</summary>
    public IReadOnlyList<string> Courses { get; init; } = [];

    /// <summary>First export date (the date part of <c>context.received_at</c>, else of <c>time</c>, as written), inclusive; default none.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last export date, inclusive; default none.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Output files kept open at once; the least recently written is closed beyond it and appended to as a new gzip member when met again. Default 64.</summary>
    public int MaxOpenFiles { get; init; } = 64;
}
