using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Cli.Output;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// A count's rows written from their bytes (<see cref="CountRowText"/>) read exactly as the same rows written as
/// strings by <see cref="TableOutput"/>: TSV and CSV escaping, missing values, JSON text, non-ASCII, long values.
/// </summary>
public sealed class CountRowTextTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_HardValues_SameTextAsTableOutput(bool csv)
    {
        TableFormat format = csv ? TableFormat.Csv : TableFormat.Tsv;
        string[] columns = ["event_type", "context.course_id", "count"];
        string longValue = new('x', 100_000); // larger than the buffer
        CountRow[] rows =
        [
            new(["a,b", "say \"hi\""], 5) { IsJson = [false, false] },
            new(["tab\there", "new\nline\r\\"], 4) { IsJson = [false, false] },
            new([null, ""], 3) { IsJson = [false, false] },
            new(["12", "{\"a\":[1,2]}"], 2) { IsJson = [true, true] },
            new(["é 日本 😀", longValue], 1) { IsJson = [false, false] },
        ];

        var expected = new StringWriter();
        using (var table = new TableOutput(format, columns, expected))
        {
            foreach (CountRow row in rows)
            {
                table.WriteRow([.. row.Values, row.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)], [.. row.IsJson, true]);
            }
        }

        using var bytes = new MemoryStream();
        using (var text = new CountRowText(bytes, csv))
        {
            text.Header(columns);
            new CountResult(15, 0, rows).VisitRows(text);
            text.Complete();
        }

        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(bytes.ToArray()));
    }

    [Fact]
    public void Write_InvalidUtf8_ReplacedAsTheDecodedStringWas()
    {
        using var bytes = new MemoryStream();
        using (var text = new CountRowText(bytes, csv: false))
        {
            text.Value([0x61, 0xFF, 0x62], CountValueKind.Text);
            text.EndRow(7);
            text.Complete();
        }

        Assert.Equal("a\uFFFDb\t7\n", Encoding.UTF8.GetString(bytes.ToArray()));
    }

    [Fact]
    public void TextWriterStream_MultiByteCharacterSplitAcrossWrites_DecodedWhole()
    {
        var output = new StringWriter();
        byte[] utf8 = Encoding.UTF8.GetBytes("a😀é");
        using (var stream = new TextWriterStream(output))
        {
            stream.Write(utf8.AsSpan(0, 3));
            stream.Write(utf8.AsSpan(3));
        }

        Assert.Equal("a😀é", output.ToString());
    }
}
