using XAnalytics.Formats.Json;

namespace XAnalytics.Pipeline;

/// <summary>The reasons a line or event is rejected. Stages may add their own.</summary>
public static class RejectReasons
{
    /// <summary>The line does not start like JSON (a <c>#</c> comment, log noise...).</summary>
    public const string NotJson = JsonRejects.NotJson;

    /// <summary>The JSON stops before it is complete (edX cut long lines at about 2043, 10000 or 32000 characters).</summary>
    public const string Truncated = JsonRejects.Truncated;

    /// <summary>The JSON is malformed somewhere inside.</summary>
    public const string InvalidJson = JsonRejects.InvalidJson;

    /// <summary>The line is valid JSON but not an object.</summary>
    public const string NotAnObject = JsonRejects.NotAnObject;

    /// <summary>The line is not valid UTF-8.</summary>
    public const string InvalidUtf8 = JsonRejects.InvalidUtf8;

    /// <summary>The line is longer than the configured bound; it was skipped without being held in memory.</summary>
    public const string TooLong = "too-long";

    /// <summary>
    /// The line came from a gzip member whose CRC-32 or length did not match its trailer: held back until the member
    /// was checked, it is not an event.
    /// </summary>
    public const string BadMember = "bad-member";
}
