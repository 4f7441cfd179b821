using System.Buffers;
using System.Globalization;
using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// Writes RFC 4180 CSV: a header row, CRLF line ends, UTF-8 without BOM; a field is quoted (quotes doubled)
/// when it holds a comma, quote, CR or LF, or starts or ends with a space. Null is an empty field.
/// </summary>
/// <remarks>
/// Fields are encoded straight into a pooled UTF-8 buffer that goes to the file when full (no <see cref="StreamWriter"/>
/// and its per-call encoder): the bytes are those a UTF-8 writer gives, a lone surrogate included (U+FFFD, as
/// <see cref="Encoding.UTF8"/> replaces it; no field is split, so no pair spans two encodes).
/// </remarks>
internal sealed class CsvTable : IDisposable
{
    private const int BufferSize = 1 << 16;
    private static readonly SearchValues<char> s_special = SearchValues.Create(",\"\r\n");
    private readonly FileStream _file;
    private byte[] _buffer;
    private int _used;

    public CsvTable(string path, params string[] header)
    {
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        Row(header);
    }

    public void Row(params ReadOnlySpan<string?> fields)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            Write(fields[i]);
        }

        Byte((byte)'\r');
        Byte((byte)'\n');
    }

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Number(double? value) => value?.ToString("0.##########", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        byte[] buffer = _buffer;
        if (buffer.Length == 0)
        {
            return;
        }

        try
        {
            Flush();
        }
        finally
        {
            _buffer = [];
            ArrayPool<byte>.Shared.Return(buffer);
            _file.Dispose();
        }
    }

    private void Write(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return;
        }

        bool quote = field.AsSpan().IndexOfAny(s_special) >= 0 || field[0] == ' ' || field[^1] == ' ';
        if (!quote)
        {
            Text(field);
            return;
        }

        Byte((byte)'"');
        Text(field.Contains('"', StringComparison.Ordinal) ? field.Replace("\"", "\"\"", StringComparison.Ordinal) : field);
        Byte((byte)'"');
    }

    private void Text(string text)
    {
        // At most 3 bytes a UTF-16 unit (a pair's 4 bytes come from 2 units).
        int most = text.Length * 3;
        if (_buffer.Length - _used < most)
        {
            Flush();
            if (_buffer.Length < most)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(most);
            }
        }

        _used += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
    }

    private void Byte(byte b)
    {
        if (_used == _buffer.Length)
        {
            Flush();
        }

        _buffer[_used++] = b;
    }

    private void Flush()
    {
        if (_used > 0)
        {
            _file.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
