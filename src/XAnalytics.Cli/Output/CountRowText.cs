using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using XAnalytics.Aggregates;

namespace XAnalytics.Cli.Output;

/// <summary>
/// Writes a count's rows as TSV or CSV straight from their UTF-8 bytes (<see cref="CountResult.VisitRows"/>), with
/// the escaping of <see cref="TableOutput"/> done on bytes: no string, no row object and no UTF-16 round trip per
/// value, and one <c>write()</c> per 64 KiB. Owner of its pooled buffer (returned by <see cref="Dispose"/>); the
/// stream is the caller's.
/// </summary>
internal sealed class CountRowText : ICountRowVisitor, IDisposable
{
    private const int BufferBytes = 64 * 1024;

    private static readonly SearchValues<byte> s_csvSpecial = SearchValues.Create(",\"\r\n"u8);
    private static readonly SearchValues<byte> s_tsvSpecial = SearchValues.Create("\t\n\r\\"u8);

    private readonly Stream _output;
    private readonly bool _csv;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private int _used;
    private bool _inRow;

    /// <summary>Writes to <paramref name="output"/>: CSV (RFC 4180) when <paramref name="csv"/>, else TSV.</summary>
    public CountRowText(Stream output, bool csv)
    {
        _output = output;
        _csv = csv;
    }

    /// <summary>The header row (CSV has one, TSV none).</summary>
    public void Header(IReadOnlyList<string> columns)
    {
        if (!_csv)
        {
            return;
        }

        foreach (string column in columns)
        {
            Value(Encoding.UTF8.GetBytes(column), CountValueKind.Text);
        }

        Put((byte)'\n');
        _inRow = false;
    }

    public void Value(ReadOnlySpan<byte> utf8, CountValueKind kind)
    {
        if (_inRow)
        {
            Put(_csv ? (byte)',' : (byte)'\t');
        }

        _inRow = true;
        if (!utf8.IsEmpty && !Utf8.IsValid(utf8))
        {
            // As the strings did: invalid bytes become U+FFFD.
            utf8 = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8));
        }

        if (_csv)
        {
            WriteCsv(utf8);
        }
        else
        {
            WriteTsv(utf8);
        }
    }

    public void EndRow(long count)
    {
        if (_inRow)
        {
            Put(_csv ? (byte)',' : (byte)'\t');
        }

        Ensure(21);
        Utf8Formatter.TryFormat(count, _buffer.AsSpan(_used), out int written);
        _used += written;
        _buffer[_used++] = (byte)'\n';
        _inRow = false;
    }

    /// <summary>Writes what is buffered to the stream and flushes it.</summary>
    public void Complete()
    {
        Drain();
        _output.Flush();
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void WriteCsv(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny(s_csvSpecial) < 0)
        {
            Put(value);
            return;
        }

        Put((byte)'"');
        while (true)
        {
            int quote = value.IndexOf((byte)'"');
            if (quote < 0)
            {
                Put(value);
                break;
            }

            Put(value[..(quote + 1)]);
            Put((byte)'"');
            value = value[(quote + 1)..];
        }

        Put((byte)'"');
    }

    private void WriteTsv(ReadOnlySpan<byte> value)
    {
        while (true)
        {
            int special = value.IndexOfAny(s_tsvSpecial);
            if (special < 0)
            {
                Put(value);
                return;
            }

            Put(value[..special]);
            Ensure(2);
            _buffer[_used++] = (byte)'\\';
            _buffer[_used++] = value[special] switch
            {
                (byte)'\t' => (byte)'t',
                (byte)'\n' => (byte)'n',
                (byte)'\r' => (byte)'r',
                _ => (byte)'\\',
            };
            value = value[(special + 1)..];
        }
    }

    private void Put(byte b)
    {
        Ensure(1);
        _buffer[_used++] = b;
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Drain();
            if (bytes.Length > _buffer.Length)
            {
                _output.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Ensure(int bytes)
    {
        if (bytes > _buffer.Length - _used)
        {
            Drain();
        }
    }

    private void Drain()
    {
        if (_used > 0)
        {
            _output.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
