namespace XAnalytics.Aggregates;

/// <summary>A worker's part of the schema. Used by one thread at a time.</summary>
public sealed class SchemaPartial
{
    internal SchemaPartial()
    {
        Lookup = Paths.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal Dictionary<string, SchemaEntry> Paths { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, SchemaEntry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    internal long Events { get; set; }

    /// <summary>Where the event being walked stands in input order (file index, then line): examples come from the first.</summary>
    internal long EventKey { get; set; }

    internal long LeftOut { get; set; }

    internal char[] PathBuffer { get; set; } = new char[256];

    internal byte[] Scratch { get; set; } = new byte[256];
}
