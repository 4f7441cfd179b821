namespace XAnalytics.Formats.Json;

/// <summary>The reasons the JSON codec rejects a line; the pipeline publishes them as its <c>RejectReasons</c>.</summary>
internal static class JsonRejects
{
    /// <summary>The line does not start like JSON (a <c>#</c> comment, log noise...).</summary>
    public const string NotJson = "not-json";

    /// <summary>The JSON stops before it is complete (edX cut long lines at about 2043, 10000 or 32000 characters).</summary>
    public const string Truncated = "truncated";

    /// <summary>The JSON is malformed somewhere inside.</summary>
    public const string InvalidJson = "invalid-json";

    /// <summary>The line is valid JSON but not an object.</summary>
    public const string NotAnObject = "not-an-object";

    /// <summary>The line is not valid UTF-8.</summary>
    public const string InvalidUtf8 = "invalid-utf8";
}
