namespace XAnalytics.Cli.Commands;

/// <summary>Output formats for tables on stdout.</summary>
internal enum TableFormat
{
    Tsv,
    Csv,
    Json,
}
