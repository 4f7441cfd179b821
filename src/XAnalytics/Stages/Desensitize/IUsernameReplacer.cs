using XAnalytics.Formats.Json;

namespace XAnalytics.Stages.Desensitize;

/// <summary>Writes the replacement of a username (a pseudonym) where it appears.</summary>
internal interface IUsernameReplacer
{
    /// <summary>Appends the replacement of UTF-8 <paramref name="username"/> to <paramref name="output"/>.</summary>
    void AppendReplacement(ReadOnlySpan<byte> username, Utf8JsonBuilder output);
}
