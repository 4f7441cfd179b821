namespace XAnalytics.Aggregates;

/// <summary>
/// Receives a count's rows as UTF-8 bytes, in the rows' order (<see cref="CountResult.VisitRows"/>): per row one
/// <see cref="Value"/> per field, in the order the fields were asked for, then <see cref="EndRow"/>. A writer of
/// a million rows needs no string per value this way.
/// </summary>
public interface ICountRowVisitor
{
    /// <summary>The next value of the current row; <paramref name="utf8"/> is valid only during the call.</summary>
    /// <param name="utf8">The value's UTF-8 bytes: a string unescaped, any other value its JSON text, empty when missing.</param>
    /// <param name="kind">Whether the value is missing, a string or other JSON.</param>
    void Value(ReadOnlySpan<byte> utf8, CountValueKind kind);

    /// <summary>Ends the current row, with its count.</summary>
    void EndRow(long count);
}
