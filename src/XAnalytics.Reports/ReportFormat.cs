namespace XAnalytics.Reports;

/// <summary>The file format of a report's tables.</summary>
public enum ReportFormat
{
    /// <summary>RFC 4180 CSV with a header row (<c>NAME.csv</c>).</summary>
    Csv,

    /// <summary>
    /// Apache Parquet (<c>NAME.parquet</c>), typed: days are <c>DATE</c>, counts <c>INT64</c>, shares and GDP
    /// <c>DOUBLE</c>, the rest strings; readable by DuckDB, pyarrow and Spark.
    /// </summary>
    Parquet,
}
