namespace XAnalytics.Parquet;

/// <summary>How a <see cref="ParquetTableWriter"/> compresses its column chunks.</summary>
public enum ParquetCompression
{
    /// <summary>Zstandard: smallest files of the codecs every common reader has.</summary>
    Zstd,

    /// <summary>Snappy: the Parquet ecosystem's usual default, fastest to read and write.</summary>
    Snappy,

    /// <summary>No compression.</summary>
    None,
}
