namespace XAnalytics.Cli.Output;

/// <summary>Output formats for tables on stdout.</summary>
internal enum TableFormat
{
    Tsv,
    Csv,
    Json,
}
