namespace XAnalytics.Pipeline;

/// <summary>The manifest a parts sink writes beside its parts.</summary>
public static class PartsManifest
{
    /// <summary>The manifest's file name in an output folder.</summary>
    public const string FileName = "manifest.json";
}
