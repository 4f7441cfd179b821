using System.Globalization;
using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// Writes RFC 4180 CSV: a header row, CRLF line ends, UTF-8 without BOM; a field is quoted (quotes doubled)
/// when it holds a comma, quote, CR or LF, or starts or ends with a space. Null is an empty field.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    private readonly StreamWriter _writer;

    public CsvTable(string path, params string[] header)
    {
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\r\n" };
        Row(header);
    }

    public void Row(params ReadOnlySpan<string?> fields)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }

            Write(fields[i]);
        }

        _writer.WriteLine();
    }

    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Number(double? value) => value?.ToString("0.##########", CultureInfo.InvariantCulture);

    public void Dispose() => _writer.Dispose();

    private void Write(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return;
        }

        bool quote = field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field[0] == ' ' || field[^1] == ' ';
        if (!quote)
        {
            _writer.Write(field);
            return;
        }

        _writer.Write('"');
        _writer.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }
}
