namespace XAnalytics.Settings;

/// <summary>A value as one source wrote it. <see cref="Line"/> and <see cref="Column"/> are 0 when the source is not a file.</summary>
internal sealed record RawSetting(string Key, string? Value, string Source, int Line, int Column)
{
    public bool FromFile => Line > 0;

    /// <summary>"file:line:column" for a file, otherwise the source's name; the prefix of every message about this value.</summary>
    public string Location => FromFile ? $"{Source}:{Line}:{Column}" : Source;
}
