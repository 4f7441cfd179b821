using System.Text;
using System.Text.Json;

namespace XAnalytics.Cli.Output;

/// <summary>
/// Writes rows to stdout as TSV (no header; tabs and newlines in values escaped as \t and \n), CSV (RFC 4180,
/// with a header) or JSON (an array of objects). A missing value is empty in TSV/CSV and null in JSON. A value
/// marked as JSON text (a number, a boolean, an object) is written as that JSON in the JSON format, where the
/// others are strings; TSV and CSV print both as text, so the string "5" and the number 5 read alike there.
/// </summary>
internal sealed class TableOutput : IDisposable
{
    /// <summary>
    /// Bytes gathered before a write to the real stdout. Console's own writer flushes at every call, through a
    /// buffer of a few hundred characters: writing each value, tab and newline to it made about 4 write() calls
    /// per row, 1.2 million for a count of 300,000 distinct event types (strace), which took longer than counting
    /// them. Through this buffer: one call per 64 KiB.
    /// </summary>
    private const int StdoutBufferBytes = 64 * 1024;

    private readonly TableFormat _format;
    private readonly IReadOnlyList<string> _columns;
    private readonly TextWriter _text;
    private readonly bool _ownsText;
    private readonly System.Buffers.ArrayBufferWriter<byte>? _jsonBuffer;
    private readonly Utf8JsonWriter? _json;

    public TableOutput(TableFormat format, IReadOnlyList<string> columns, TextWriter output)
    {
        _format = format;
        _columns = columns;
        if (ReferenceEquals(output, Console.Out))
        {
            _text = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), StdoutBufferBytes) { AutoFlush = false };
            _ownsText = true;
        }
        else
        {
            _text = output;
        }

        if (format == TableFormat.Json)
        {
            _jsonBuffer = new System.Buffers.ArrayBufferWriter<byte>();
            _json = new Utf8JsonWriter(_jsonBuffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _json.WriteStartArray();
        }
        else if (format == TableFormat.Csv)
        {
            WriteCsvRow(columns);
        }
    }

    /// <summary>Writes a row; <paramref name="isJson"/> marks values that are JSON text (else: strings, and a column named count a number).</summary>
    public void WriteRow(IReadOnlyList<string?> values, IReadOnlyList<bool>? isJson = null)
    {
        switch (_format)
        {
            case TableFormat.Tsv:
                for (int i = 0; i < values.Count; i++)
                {
                    if (i > 0)
                    {
                        _text.Write('\t');
                    }

                    _text.Write(EscapeTsv(values[i]));
                }

                _text.Write('\n');
                break;
            case TableFormat.Csv:
                WriteCsvRow(values);
                break;
            default:
                _json!.WriteStartObject();
                for (int i = 0; i < values.Count; i++)
                {
                    string? v = values[i];
                    if (isJson is null && _columns[i] == "count"
                        && long.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long number))
                    {
                        _json.WriteNumber(_columns[i], number);
                    }
                    else
                    {
                        WriteJsonValue(_json, _columns[i], v, isJson is not null && isJson[i]);
                    }
                }

                _json.WriteEndObject();
                break;
        }
    }

    /// <summary>One value of a row as a JSON property: null when missing, the JSON it is when <paramref name="isJson"/>, else a string.</summary>
    internal static void WriteJsonValue(Utf8JsonWriter json, string column, string? value, bool isJson)
    {
        if (value is null)
        {
            json.WriteNull(column);
        }
        else if (isJson)
        {
            json.WritePropertyName(column);
            json.WriteRawValue(value);
        }
        else
        {
            json.WriteString(column, value);
        }
    }

    private void WriteCsvRow(IReadOnlyList<string?> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                _text.Write(',');
            }

            string v = values[i] ?? string.Empty;
            if (v.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                _text.Write('"');
                _text.Write(v.Replace("\"", "\"\"", StringComparison.Ordinal));
                _text.Write('"');
            }
            else
            {
                _text.Write(v);
            }
        }

        _text.Write('\n');
    }

    private static string EscapeTsv(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        if (value.AsSpan().IndexOfAny("\t\n\r\\") < 0)
        {
            return value;
        }

        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (_json is not null)
        {
            _json.WriteEndArray();
            _json.Flush();
            _json.Dispose();
            _text.Write(Encoding.UTF8.GetString(_jsonBuffer!.WrittenSpan));
            _text.Write('\n');
        }

        _text.Flush();
        if (_ownsText)
        {
            _text.Dispose();
        }
    }
}
