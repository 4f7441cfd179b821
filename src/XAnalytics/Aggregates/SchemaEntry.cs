namespace XAnalytics.Aggregates;

internal sealed class SchemaEntry(string example, long exampleKey)
{
    public long Count { get; set; }

    public long LastEvent { get; set; } = -1;

    /// <summary>The value of the path's first occurrence in input order, whatever order the workers saw them in.</summary>
    public string Example { get; set; } = example;

    /// <summary>Where that occurrence stands in input order (<see cref="SchemaPartial.EventKey"/>).</summary>
    public long ExampleKey { get; set; } = exampleKey;
}
