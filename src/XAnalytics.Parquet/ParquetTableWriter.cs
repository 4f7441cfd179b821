using Parquet;
using Parquet.Schema;

namespace XAnalytics.Parquet;

/// <summary>
/// Writes a table of typed columns as one Parquet file, row by row: <c>Add</c> each value of a row in column order,
/// then <see cref="EndRow"/>; <see cref="Complete"/> at the end. Rows are held column by column for one row group
/// (<see cref="ParquetTableOptions.RowGroupRows"/>) and then written, so memory stays bounded whatever the number
/// of rows. The file is written under a temporary name and renamed into place by <see cref="Complete"/>; a writer
/// disposed without it deletes what it wrote.
/// </summary>
/// <example>
/// <code>
/// using var table = ParquetTableWriter.Create("counts.parquet",
///     [new("day", ParquetColumnType.Date), new("count", ParquetColumnType.Count, Nullable: false)]);
/// table.Add(new DateOnly(2015, 3, 1)); table.Add(42L); table.EndRow();
/// table.Complete();
/// </code>
/// </example>
/// <remarks>Not thread-safe: one writer is filled by one thread.</remarks>
public sealed class ParquetTableWriter : IDisposable
{
    private readonly string _target;
    private readonly string _writePath;
    private readonly ColumnBuffer[] _columns;
    private readonly int _rowGroupRows;
    private readonly FileStream _file;
    private readonly ParquetWriter _writer;
    private int _row;
    private int _column;
    private bool _completed;
    private bool _disposed;

    private ParquetTableWriter(string target, string writePath, ColumnBuffer[] columns, int rowGroupRows, FileStream file, ParquetWriter writer)
    {
        _target = target;
        _writePath = writePath;
        _columns = columns;
        _rowGroupRows = rowGroupRows;
        _file = file;
        _writer = writer;
    }

    /// <summary>Rows added so far (whole rows, ended with <see cref="EndRow"/>).</summary>
    public long Rows { get; private set; }

    /// <summary>The file the table is published as.</summary>
    public string Path => _target;

    /// <summary>Starts a table of <paramref name="columns"/> to be published at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">No columns, a column named twice, or a bad row-group size.</exception>
    public static ParquetTableWriter Create(string path, IReadOnlyList<ParquetColumn> columns, ParquetTableOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(columns);
        ParquetTableOptions o = options ?? new ParquetTableOptions();
        if (columns.Count == 0)
        {
            throw new ArgumentException("A Parquet table needs at least one column.", nameof(columns));
        }

        if (o.RowGroupRows < 1)
        {
            throw new ArgumentException($"RowGroupRows must be at least 1, not {o.RowGroupRows}.", nameof(options));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var buffers = new ColumnBuffer[columns.Count];
        var fields = new Field[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            if (!names.Add(columns[i].Name))
            {
                throw new ArgumentException($"Column '{columns[i].Name}' is named twice.", nameof(columns));
            }

            buffers[i] = new ColumnBuffer(columns[i], o.RowGroupRows);
            fields[i] = buffers[i].Field;
        }

        string target = System.IO.Path.GetFullPath(path);
        string writePath = o.Atomic
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!, $".{System.IO.Path.GetFileName(target)}.{Environment.ProcessId}.tmp")
            : target;
        var file = new FileStream(writePath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        try
        {
            var parquetOptions = new ParquetOptions
            {
                CompressionMethod = o.Compression switch
                {
                    ParquetCompression.Zstd => CompressionMethod.Zstd,
                    ParquetCompression.None => CompressionMethod.None,
                    _ => CompressionMethod.Snappy,
                },
            };
            ParquetWriter writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), file, parquetOptions).GetAwaiter().GetResult();
            return new ParquetTableWriter(target, writePath, buffers, o.RowGroupRows, file, writer);
        }
        catch
        {
            file.Dispose();
            File.Delete(writePath);
            throw;
        }
    }

    /// <summary>The next value of the row: a string column's.</summary>
    public void Add(string? value)
    {
        Current().Set(_row, value);
        _column++;
    }

    /// <summary>The next value of the row: an integer column's.</summary>
    public void Add(long? value)
    {
        Current().Set(_row, value);
        _column++;
    }

    /// <summary>The next value of the row: a double column's.</summary>
    public void Add(double? value)
    {
        Current().Set(_row, value);
        _column++;
    }

    /// <summary>The next value of the row: a boolean column's.</summary>
    public void Add(bool? value)
    {
        Current().Set(_row, value);
        _column++;
    }

    /// <summary>The next value of the row: a date column's.</summary>
    public void Add(DateOnly? value)
    {
        Current().Set(_row, value);
        _column++;
    }

    /// <summary>The next value of the row: a timestamp column's, a UTC instant (microseconds are kept, finer ticks dropped).</summary>
    /// <exception cref="ArgumentException">The value is not <see cref="DateTimeKind.Utc"/>, or the column is not a timestamp.</exception>
    public void Add(DateTime? value)
    {
        Current().Set(_row, value);
        _column++;
    }

    /// <summary>Ends the row; every column must have had its value.</summary>
    /// <exception cref="InvalidOperationException">Fewer values than columns were added.</exception>
    public void EndRow()
    {
        if (_column != _columns.Length)
        {
            throw new InvalidOperationException($"A row has {_columns.Length} values; {_column} were added.");
        }

        _column = 0;
        _row++;
        Rows++;
        if (_row == _rowGroupRows)
        {
            Flush();
        }
    }

    /// <summary>Writes the last row group and the footer, and publishes the file (renamed into place when atomic).</summary>
    /// <exception cref="InvalidOperationException">A row was started but not ended.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_column != 0)
        {
            throw new InvalidOperationException("The last row was not ended.");
        }

        // A table of no rows still gets one (empty) row group: some readers want the schema's columns in one.
        if (_row > 0 || Rows == 0)
        {
            Flush();
        }

        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        if (!string.Equals(_writePath, _target, StringComparison.Ordinal))
        {
            File.Move(_writePath, _target, overwrite: true);
        }

        _completed = true;
        _disposed = true;
    }

    /// <summary>Closes the file; without <see cref="Complete"/>, deletes it (a failed run publishes nothing).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The file is deleted below whatever state the writer was left in.
        }

        _file.Dispose();
        if (!_completed)
        {
            File.Delete(_writePath);
        }
    }

    /// <summary>The column the next value goes to; it only moves on once the value was taken (a refused one can be retried).</summary>
    private ColumnBuffer Current()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_column == _columns.Length)
        {
            throw new InvalidOperationException($"A row has {_columns.Length} values: end it with EndRow first.");
        }

        return _columns[_column];
    }

    private void Flush()
    {
        using (ParquetRowGroupWriter group = _writer.CreateRowGroup())
        {
            foreach (ColumnBuffer column in _columns)
            {
                column.WriteAsync(group, _row, CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        _row = 0;
    }
}
