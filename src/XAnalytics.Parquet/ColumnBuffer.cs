using Parquet;
using Parquet.Schema;

namespace XAnalytics.Parquet;

/// <summary>
/// The values of one column for the row group being filled, in an array of its own type (no boxing), written as one
/// column chunk when the row group is full.
/// </summary>
internal sealed class ColumnBuffer
{
    private readonly string?[]? _strings;
    private readonly long?[]? _longs;
    private readonly double?[]? _doubles;
    private readonly DateOnly?[]? _dates;
    private readonly DateTime?[]? _instants;
    private readonly bool?[]? _booleans;

    public ColumnBuffer(ParquetColumn column, int capacity)
    {
        Column = column;
        Field = (column.Type, column.Nullable) switch
        {
            (ParquetColumnType.Text, bool nullable) => new DataField<string>(column.Name, nullable),
            (ParquetColumnType.Count, true) => new DataField<long?>(column.Name),
            (ParquetColumnType.Count, false) => new DataField<long>(column.Name),
            (ParquetColumnType.Real, true) => new DataField<double?>(column.Name),
            (ParquetColumnType.Real, false) => new DataField<double>(column.Name),
            (ParquetColumnType.Date, true) => new DataField<DateOnly?>(column.Name),
            (ParquetColumnType.Date, false) => new DataField<DateOnly>(column.Name),
            (ParquetColumnType.Boolean, true) => new DataField<bool?>(column.Name),
            (ParquetColumnType.Boolean, false) => new DataField<bool>(column.Name),
            (ParquetColumnType.Timestamp, bool nullable) => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: nullable),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown column type."),
        };
        switch (column.Type)
        {
            case ParquetColumnType.Text:
                _strings = new string?[capacity];
                break;
            case ParquetColumnType.Count:
                _longs = new long?[capacity];
                break;
            case ParquetColumnType.Real:
                _doubles = new double?[capacity];
                break;
            case ParquetColumnType.Timestamp:
                _instants = new DateTime?[capacity];
                break;
            case ParquetColumnType.Boolean:
                _booleans = new bool?[capacity];
                break;
            default:
                _dates = new DateOnly?[capacity];
                break;
        }
    }

    public ParquetColumn Column { get; }

    public DataField Field { get; }

    public void Set(int row, string? value) => Check(ParquetColumnType.Text, value is null)._strings![row] = value;

    public void Set(int row, long? value) => Check(ParquetColumnType.Count, value is null)._longs![row] = value;

    public void Set(int row, double? value) => Check(ParquetColumnType.Real, value is null)._doubles![row] = value;

    public void Set(int row, bool? value) => Check(ParquetColumnType.Boolean, value is null)._booleans![row] = value;

    public void Set(int row, DateOnly? value) => Check(ParquetColumnType.Date, value is null)._dates![row] = value;

    public void Set(int row, DateTime? value)
    {
        if (value is { Kind: not DateTimeKind.Utc })
        {
            throw new ArgumentException($"Column '{Column.Name}' takes UTC instants; {value.Value.Kind} was given.", nameof(value));
        }

        // Microseconds, the file's unit: finer ticks are dropped here rather than left to the encoder.
        Check(ParquetColumnType.Timestamp, value is null)._instants![row] = value is { } v ? v.AddTicks(-(v.Ticks % 10)) : null;
    }

    /// <summary>Writes the first <paramref name="rows"/> values as this column's chunk of the row group.</summary>
    public async Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken)
    {
        switch (Column.Type)
        {
            case ParquetColumnType.Text:
                await group.WriteAsync(Field, new ArraySegment<string>(_strings!, 0, rows)!, null).ConfigureAwait(false);
                Array.Clear(_strings!, 0, rows); // let the strings go
                break;
            case ParquetColumnType.Count:
                await WriteStructAsync(group, _longs!, rows, cancellationToken).ConfigureAwait(false);
                break;
            case ParquetColumnType.Real:
                await WriteStructAsync(group, _doubles!, rows, cancellationToken).ConfigureAwait(false);
                break;
            case ParquetColumnType.Timestamp:
                await WriteStructAsync(group, _instants!, rows, cancellationToken).ConfigureAwait(false);
                break;
            case ParquetColumnType.Boolean:
                await WriteStructAsync(group, _booleans!, rows, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await WriteStructAsync(group, _dates!, rows, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task WriteStructAsync<T>(ParquetRowGroupWriter group, T?[] values, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        if (Column.Nullable)
        {
            await group.WriteAsync<T>(Field, values.AsMemory(0, rows), null, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var plain = new T[rows];
        for (int i = 0; i < rows; i++)
        {
            plain[i] = values[i]!.Value;
        }

        await group.WriteAsync<T>(Field, plain.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
    }

    private ColumnBuffer Check(ParquetColumnType type, bool isNull)
    {
        if (type != Column.Type)
        {
            throw new ArgumentException($"Column '{Column.Name}' holds {Column.Type} values, not {type}.");
        }

        if (isNull && !Column.Nullable)
        {
            throw new ArgumentException($"Column '{Column.Name}' does not take missing values.");
        }

        return this;
    }
}
