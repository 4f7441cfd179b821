namespace XAnalytics.Aggregates;

/// <summary>What a value handed to <see cref="ICountRowVisitor.Value"/> is.</summary>
public enum CountValueKind
{
    /// <summary>The field is missing or null in these events; the bytes are empty.</summary>
    Missing,

    /// <summary>A JSON string, its bytes unescaped UTF-8.</summary>
    Text,

    /// <summary>Any other JSON value (a number, true or false, an object or an array), its bytes that JSON text.</summary>
    Json,
}
