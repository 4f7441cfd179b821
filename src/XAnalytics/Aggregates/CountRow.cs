namespace XAnalytics.Aggregates;

/// <summary>One distinct value (or combination of values) and its count.</summary>
/// <param name="Values">
/// The field values in the order asked for: a string unescaped, any other value as its JSON text; null where the
/// field is missing or null.
/// </param>
/// <param name="Count">Events with these values.</param>
public sealed record CountRow(IReadOnlyList<string?> Values, long Count)
{
    /// <summary>
    /// Per value, true when it is JSON text rather than a string (a number, true or false, an object or an array):
    /// the string <c>"5"</c> and the number <c>5</c> are two rows whose <see cref="Values"/> read alike. Empty for a
    /// row made without it.
    /// </summary>
    public IReadOnlyList<bool> IsJson { get; init; } = [];
}
