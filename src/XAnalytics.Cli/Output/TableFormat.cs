namespace XAnalytics.Cli.Output;

/// <summary>Output formats for tables: text on stdout (or a file), or a Parquet file.</summary>
internal enum TableFormat
{
    Tsv,
    Csv,
    Json,

    /// <summary>Apache Parquet with typed columns; needs a file (<c>--output</c>).</summary>
    Parquet,
}
