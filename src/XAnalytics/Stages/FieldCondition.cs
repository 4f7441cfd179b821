using XAnalytics.Events;

namespace XAnalytics.Stages;

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
