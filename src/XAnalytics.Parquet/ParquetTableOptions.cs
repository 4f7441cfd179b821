namespace XAnalytics.Parquet;

/// <summary>Options of a <see cref="ParquetTableWriter"/>.</summary>
public sealed record ParquetTableOptions
{
    /// <summary>
    /// Rows held before they are written as one row group. Default 131,072: large enough for readers to skip and
    /// compress well, small enough that a table of millions of rows (a <c>select</c>) is never held whole.
    /// </summary>
    public int RowGroupRows { get; init; } = 128 * 1024;

    /// <summary>
    /// Write to a temporary file beside the target (<c>.NAME.PID.tmp</c>) and rename it into place on
    /// <see cref="ParquetTableWriter.Complete"/>, so a reader never sees half a file. Default true; false writes the
    /// target directly (inside a folder that is itself published whole).
    /// </summary>
    public bool Atomic { get; init; } = true;

    /// <summary>Column compression. Default Snappy, which DuckDB, pyarrow and Spark all read (see <see cref="ParquetCompression.Zstd"/> for why not zstd).</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;
}
