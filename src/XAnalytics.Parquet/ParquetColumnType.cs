namespace XAnalytics.Parquet;

/// <summary>The type of a column of a <see cref="ParquetTableWriter"/>, and what it is in the file.</summary>
public enum ParquetColumnType
{
    /// <summary>UTF-8 text: <c>BYTE_ARRAY</c> with the <c>STRING</c> logical type.</summary>
    Text,

    /// <summary>A whole number (a count, a size): a 64-bit signed <c>INT64</c>.</summary>
    Count,

    /// <summary>A double: <c>DOUBLE</c>.</summary>
    Real,

    /// <summary>A calendar day: <c>INT32</c> with the <c>DATE</c> logical type (days since 1970-01-01).</summary>
    Date,

    /// <summary>
    /// An instant: <c>INT64</c> with the <c>TIMESTAMP</c> logical type in microseconds, adjusted to UTC (what DuckDB reads
    /// as <c>TIMESTAMP WITH TIME ZONE</c>, pandas as a UTC <c>datetime64[us]</c>).
    /// </summary>
    Timestamp,

    /// <summary>True or false: <c>BOOLEAN</c>.</summary>
    Boolean,
}
