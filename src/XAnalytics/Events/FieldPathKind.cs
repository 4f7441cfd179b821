namespace XAnalytics.Events;

/// <summary>How a field's value is obtained.</summary>
public enum FieldPathKind
{
    /// <summary>Read from the event's JSON as it is.</summary>
    Json,

    /// <summary>The UTC date (<c>yyyy-MM-dd</c>) of the event's <c>time</c>.</summary>
    Day,
}
