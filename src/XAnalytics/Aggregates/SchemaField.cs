namespace XAnalytics.Aggregates;

/// <summary>A field path seen in the events.</summary>
/// <param name="Path">The flattened path: keys joined by dots, <c>[]</c> for array elements (<c>event.answers</c>, <c>event.options[].id</c>).</param>
/// <param name="Count">Events in which the path occurs.</param>
/// <param name="Example">One value, cut short, with learner identifiers replaced by placeholders; <c>{...}</c> for a summarised subtree.</param>
public sealed record SchemaField(string Path, long Count, string Example);
