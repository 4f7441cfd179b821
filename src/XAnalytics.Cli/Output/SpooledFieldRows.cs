using System.Globalization;
using System.Text;
using XAnalytics.Events;
using XAnalytics.Parquet;

namespace XAnalytics.Cli.Output;

/// <summary>
/// <c>select</c>'s rows on their way to a Parquet file whose column types depend on every value (<see cref="FieldColumn"/>):
/// the rows are spooled to a hidden file beside the output while each column's type is worked out, and written typed
/// by <see cref="Complete"/>. The spool is deleted when closed, also by a failed run.
/// </summary>
/// <remarks>
/// Memory stays bounded whatever the number of rows (the spool is on disk, the Parquet writer holds one row group);
/// the cost is each value written and read once more. Not thread-safe: <c>FieldRowSink</c> calls <see cref="Add"/> on
/// one thread at a time.
/// </remarks>
internal sealed class SpooledFieldRows : IDisposable
{
    private readonly string _path;
    private readonly FieldColumn[] _columns;
    private readonly FileStream _spool;
    private readonly BinaryWriter _writer;
    private long _rows;

    /// <summary>Starts the rows of <paramref name="fields"/> for the Parquet file <paramref name="path"/>.</summary>
    public SpooledFieldRows(string path, IReadOnlyList<FieldPath> fields)
    {
        _path = path;
        _columns = [.. fields.Select(static f => new FieldColumn(f))];
        string full = Path.GetFullPath(path);
        string spool = Path.Combine(Path.GetDirectoryName(full)!, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(full)}.{Environment.ProcessId}.rows"));
        _spool = new FileStream(spool, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
        _writer = new BinaryWriter(_spool, Encoding.UTF8, leaveOpen: true);
    }

    /// <summary>One row: each field's value (null when missing) and whether it is JSON text rather than a string.</summary>
    public void Add(string?[] row, bool[] isJson)
    {
        for (int i = 0; i < _columns.Length; i++)
        {
            string? value = row[i];
            _columns[i].Observe(value, isJson[i]);
            if (value is null)
            {
                _writer.Write((byte)0);
            }
            else
            {
                _writer.Write((byte)1);
                _writer.Write(value);
            }
        }

        _rows++;
    }

    /// <summary>Writes the Parquet file from the spool, each column as the type its values decided, and publishes it.</summary>
    public void Complete()
    {
        _writer.Flush();
        _spool.Position = 0;
        using var reader = new BinaryReader(_spool, Encoding.UTF8, leaveOpen: true);
        using var table = ParquetTableWriter.Create(_path, [.. _columns.Select(static c => c.Column)]);
        for (long r = 0; r < _rows; r++)
        {
            foreach (FieldColumn column in _columns)
            {
                column.Add(table, reader.ReadByte() == 0 ? null : reader.ReadString());
            }

            table.EndRow();
        }

        table.Complete();
    }

    /// <summary>Closes (and so deletes) the spool.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _spool.Dispose();
    }
}
