using XAnalytics.Parquet;

namespace XAnalytics.Reports;

/// <summary>
/// One table of a report, written as CSV or Parquet from the same typed values: each value of a row in column order,
/// then <see cref="EndRow"/>. CSV gets the text <see cref="CsvTable"/> always wrote (a missing value is an empty field);
/// Parquet gets the columns' types.
/// </summary>
internal sealed class ReportTable : IDisposable
{
    private readonly CsvTable? _csv;
    private readonly ParquetTableWriter? _parquet;
    private readonly string?[] _row;
    private int _column;

    public ReportTable(string directory, string name, ReportFormat format, params ParquetColumn[] columns)
    {
        FileName = name + (format == ReportFormat.Parquet ? ".parquet" : ".csv");
        string path = System.IO.Path.Combine(directory, FileName);
        _row = new string?[columns.Length];
        if (format == ReportFormat.Parquet)
        {
            // The report's folder is staged and published whole: no temporary file of its own.
            _parquet = ParquetTableWriter.Create(path, columns, new ParquetTableOptions { Atomic = false });
        }
        else
        {
            var header = new string[columns.Length];
            for (int i = 0; i < columns.Length; i++)
            {
                header[i] = columns[i].Name;
            }

            _csv = new CsvTable(path, header);
        }
    }

    /// <summary>The file's name in the report's folder.</summary>
    public string FileName { get; }

    public static ParquetColumn Text(string name) => new(name, ParquetColumnType.Text);

    public static ParquetColumn Day(string name) => new(name, ParquetColumnType.Date, Nullable: false);

    public static ParquetColumn Count(string name) => new(name, ParquetColumnType.Count, Nullable: false);

    public static ParquetColumn Int(string name) => new(name, ParquetColumnType.Count);

    public static ParquetColumn Real(string name) => new(name, ParquetColumnType.Real);

    public ReportTable Add(string? value)
    {
        if (_parquet is not null)
        {
            _parquet.Add(value);
        }
        else
        {
            _row[_column++] = value;
        }

        return this;
    }

    public ReportTable Add(DateOnly value)
    {
        if (_parquet is not null)
        {
            _parquet.Add(value);
        }
        else
        {
            _row[_column++] = CsvTable.Date(value);
        }

        return this;
    }

    public ReportTable Add(long? value)
    {
        if (_parquet is not null)
        {
            _parquet.Add(value);
        }
        else
        {
            _row[_column++] = CsvTable.Number(value);
        }

        return this;
    }

    public ReportTable Add(double? value)
    {
        if (_parquet is not null)
        {
            _parquet.Add(value);
        }
        else
        {
            _row[_column++] = CsvTable.Number(value);
        }

        return this;
    }

    /// <summary>A real value whose CSV text is <paramref name="csvText"/> (edX's own formatting) rather than <see cref="CsvTable.Number(double?)"/>'s.</summary>
    public ReportTable Add(double? value, string? csvText)
    {
        if (_parquet is not null)
        {
            _parquet.Add(value);
        }
        else
        {
            _row[_column++] = csvText;
        }

        return this;
    }

    public void EndRow()
    {
        if (_parquet is not null)
        {
            _parquet.EndRow();
            return;
        }

        _csv!.Row(_row);
        _column = 0;
    }

    /// <summary>Finishes the file (Parquet's footer); a table disposed without it is left unfinished and removed.</summary>
    public void Complete() => _parquet?.Complete();

    public void Dispose()
    {
        _csv?.Dispose();
        _parquet?.Dispose();
    }
}
