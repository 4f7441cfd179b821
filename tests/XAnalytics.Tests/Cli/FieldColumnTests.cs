using XAnalytics.Cli.Output;
using XAnalytics.Events;
using XAnalytics.Parquet;

namespace XAnalytics.Tests.Cli;

/// <summary>The Parquet type of a field's column, decided by all of its values; a mix, or a value its type would change, keeps text.</summary>
public sealed class FieldColumnTests
{
    public static TheoryData<string[], ParquetColumnType> Columns => new()
    {
        { ["j:5", "j:-7", null!], ParquetColumnType.Count },
        { ["j:9007199254740993", "j:1"], ParquetColumnType.Count }, // above 2^53 but whole: exact as INT64
        { ["j:5", "j:1.5", "j:2e3"], ParquetColumnType.Real },
        { ["j:9007199254740993", "j:1.5"], ParquetColumnType.Text }, // that integer is not exact as a double
        { ["j:9223372036854775808"], ParquetColumnType.Text }, // fits no INT64
        { ["j:1e400"], ParquetColumnType.Text }, // not a finite double
        { ["j:true", "j:false"], ParquetColumnType.Boolean },
        { ["j:true", "s:true"], ParquetColumnType.Text }, // the string "true" is not the boolean
        { ["j:5", "s:5"], ParquetColumnType.Text }, // the string "5" is not the number
        { ["j:5", "j:true"], ParquetColumnType.Text },
        { ["j:{\"a\":1}"], ParquetColumnType.Text },
        { ["j:[1,2]"], ParquetColumnType.Text },
        { ["s:2015-03-01T10:00:00.123456+00:00", "s:2015-03-01 10:00:00Z", "s:2015-03-01T10:00:00"], ParquetColumnType.Timestamp },
        { ["s:2015-03-01T10:00:00+00:00", "s:learner_a"], ParquetColumnType.Text },
        { ["s:2015-03-01T10:00:00.1234567Z"], ParquetColumnType.Text }, // below the microsecond: would lose a digit
        { ["s:2015-02-30T10:00:00Z"], ParquetColumnType.Text }, // no such day
        { ["s:03/01/2015 10:00:00"], ParquetColumnType.Text }, // no guessing of day and month
        { ["s:2015-03-01"], ParquetColumnType.Text },
        { ["s:2015-03-01T10:00:00+0530x"], ParquetColumnType.Text },
        { [null!, null!], ParquetColumnType.Text },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Type_DecidedByEveryValue(string[] values, ParquetColumnType expected)
    {
        var column = new FieldColumn(FieldPath.Parse("event.value"));
        foreach (string? value in values)
        {
            column.Observe(value?[2..], value is ['j', ..]);
        }

        Assert.Equal(expected, column.Type);
        Assert.Equal(new ParquetColumn("event.value", expected), column.Column);
    }

    [Fact]
    public void Type_Day_IsADateWhateverItsValues()
    {
        var column = new FieldColumn(FieldPath.Parse("day"));
        column.Observe("2015-03-01", isJson: false);
        column.Observe(null, isJson: false);

        Assert.Equal(ParquetColumnType.Date, column.Type);
    }

    [Theory]
    [InlineData("2015-03-01T10:00:00+00:00", "2015-03-01T10:00:00.0000000Z")]
    [InlineData("2015-03-01T10:00:00.5-05:00", "2015-03-01T15:00:00.5000000Z")]
    [InlineData("2015-03-01T01:30:00.000123+0530", "2015-02-28T20:00:00.0001230Z")]
    [InlineData("2015-03-01 10:00:00.25", "2015-03-01T10:00:00.2500000Z")] // no zone: UTC, as edX writes
    [InlineData("2015-03-01T10:00:00Z", "2015-03-01T10:00:00.0000000Z")]
    public void TryParseInstant_IsoInstants_ToUtc(string text, string utc)
    {
        Assert.True(FieldColumn.TryParseInstant(text, out DateTime parsed));
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.Equal(utc, parsed.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2015-03-01T10:00")]
    [InlineData("2015-03-01T24:00:00Z")]
    [InlineData("2015-13-01T10:00:00Z")]
    [InlineData("2015-03-01T10:00:00.Z")]
    [InlineData("2015-03-01T10:00:00+15:00")]
    [InlineData("2015-03-01T10:00:00 UTC")]
    [InlineData("0001-01-01T00:00:00+01:00")] // before the first instant
    [InlineData("Sun, 01 Mar 2015 10:00:00 GMT")]
    public void TryParseInstant_AnythingElse_False(string text)
        => Assert.False(FieldColumn.TryParseInstant(text, out _));
}
