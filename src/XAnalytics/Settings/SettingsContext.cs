namespace XAnalytics.Settings;

/// <summary>What a resolved settings object keeps from its load, for path expansion and error messages.</summary>
internal sealed class SettingsContext(Func<string, string?> environment, string? homeDirectory, IReadOnlyList<SearchedFile> searchedFiles)
{
    public Func<string, string?> Environment { get; } = environment;

    public string? HomeDirectory { get; } = homeDirectory;

    public IReadOnlyList<SearchedFile> SearchedFiles { get; } = searchedFiles;
}
