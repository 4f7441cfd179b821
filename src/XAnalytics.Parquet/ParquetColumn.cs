namespace XAnalytics.Parquet;

/// <summary>One column of a <see cref="ParquetTableWriter"/>.</summary>
/// <param name="Name">The column's name in the file.</param>
/// <param name="Type">What its values are.</param>
/// <param name="Nullable">Whether a value may be missing (written as null). Default true.</param>
public sealed record ParquetColumn(string Name, ParquetColumnType Type, bool Nullable = true);
