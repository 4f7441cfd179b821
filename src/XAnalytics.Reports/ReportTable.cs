using System.Globalization;
using XAnalytics.Internal;
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
    private readonly ParquetColumn[] _columns;
    private readonly string _name;
    private int _column;
    private int _rows;

    public ReportTable(string directory, string name, ReportFormat format, params ParquetColumn[] columns)
    {
        FileName = name + (format == ReportFormat.Parquet ? ".parquet" : ".csv");
        string path = System.IO.Path.Combine(directory, FileName);
        _row = new string?[columns.Length];
        _columns = columns;
        _name = name;
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

    /// <summary>
    /// An instant given as its CSV text (edX's forms: <c>2014-05-15T17:56:09Z</c>, <c>2016-09-07 01:38:53.889275</c>,
    /// read as UTC): the CSV keeps the text, Parquet gets a UTC <c>TIMESTAMP</c>; a text that is not a time is an error.
    /// </summary>
    public static ParquetColumn Time(string name) => new(name, ParquetColumnType.Timestamp);

    public ReportTable Add(string? value)
    {
        if (_parquet is null)
        {
            _row[_column++] = value;
        }
        else if (_column < _columns.Length && _columns[_column].Type == ParquetColumnType.Timestamp)
        {
            _parquet.Add(value is null or "" ? null : ParseInstant(value));
            _column++;
        }
        else
        {
            _parquet.Add(value);
            _column++;
        }

        return this;
    }

    public ReportTable Add(DateOnly value)
    {
        if (_parquet is not null)
        {
            _parquet.Add(value);
            _column++;
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
            _column++;
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
            _column++;
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
            _column++;
        }
        else
        {
            _row[_column++] = csvText;
        }

        return this;
    }

    public void EndRow()
    {
        // Writing a large table makes garbage (each row's texts) that the runtime may not collect for 200 MB (see
        // YoungGeneration): checked every 4,096 rows.
        if ((++_rows & 4095) == 0)
        {
            YoungGeneration.Check();
        }

        if (_parquet is not null)
        {
            _parquet.EndRow();
            _column = 0;
            return;
        }

        _csv!.Row(_row);
        _column = 0;
    }

    private DateTime ParseInstant(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime instant)
            ? instant
            : throw new InvalidDataException($"{_name}.{_columns[_column].Name}: '{text}' is not a time.");

    /// <summary>Finishes the file (Parquet's footer); a table disposed without it is left unfinished and removed.</summary>
    public void Complete() => _parquet?.Complete();

    public void Dispose()
    {
        _csv?.Dispose();
        _parquet?.Dispose();
    }
}
