namespace XAnalytics.Sources;

/// <summary>Options for reading one file into line batches.</summary>
internal sealed record LineReaderOptions(int MaxLineBytes, int BatchBytes, int BatchEvents);
