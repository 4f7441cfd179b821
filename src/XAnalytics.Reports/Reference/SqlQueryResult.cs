using System.Globalization;
using System.Text;

namespace XAnalytics.Reports.Reference;

/// <summary>The rows a query returned, fully read.</summary>
public sealed class SqlQueryResult
{
    internal SqlQueryResult(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Result column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// The rows; each value is <see langword="null"/> for SQL NULL, else <see cref="long"/>,
    /// <see cref="double"/>, <see cref="string"/> or <see cref="byte"/>[] (SQLite's storage classes).
    /// </summary>
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>
    /// Writes the result as TSV: a header line, then one line per row, <c>\n</c> line ends.
    /// NULL is the empty field; numbers use the invariant culture (doubles round-trip);
    /// blobs are hex; tab, newline, carriage return and backslash inside a value are written
    /// as <c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\\</c> so every record stays on one line.
    /// </summary>
    public void WriteTsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var line = new StringBuilder();
        for (var i = 0; i < Columns.Count; i++)
        {
            if (i > 0)
            {
                line.Append('\t');
            }

            AppendEscaped(line, Columns[i]);
        }

        writer.Write(line.Append('\n'));
        foreach (var row in Rows)
        {
            line.Clear();
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    line.Append('\t');
                }

                switch (row[i])
                {
                    case null:
                        break;
                    case string s:
                        AppendEscaped(line, s);
                        break;
                    case byte[] bytes:
                        line.Append(Convert.ToHexString(bytes));
                        break;
                    case IFormattable f:
                        line.Append(f.ToString(null, CultureInfo.InvariantCulture));
                        break;
                    default:
                        AppendEscaped(line, row[i]!.ToString() ?? string.Empty);
                        break;
                }
            }

            writer.Write(line.Append('\n'));
        }
    }

    private static void AppendEscaped(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\t' => sb.Append("\\t"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\\' => sb.Append("\\\\"),
                _ => sb.Append(c),
            };
        }
    }
}
