namespace XAnalytics.Sources;

/// <summary>Options for reading one file into line batches; <paramref name="StandardInput"/> opens <c>-</c> (null: the process's).</summary>
internal sealed record LineReaderOptions(int MaxLineBytes, int BatchBytes, int BatchEvents, Func<Stream>? StandardInput = null);
