using XAnalytics.Reports.Reference;

namespace XAnalytics.Tests.Reports.Reference;

public sealed class CiaNumberTests
{
    [Theory]
    [InlineData("$ 39 300", 39300L)]
    [InlineData("$ -68 000 000", -68000000L)]
    [InlineData("$ 1 648 000 000 000", 1648000000000L)]
    [InlineData("8893.0", 8893L)]
    [InlineData("1,234", 1234L)]
    [InlineData("-3", -3L)]
    [InlineData("45%", 45L)]
    public void Parse_WholeNumber_Integer(string cell, long expected)
    {
        Assert.Equal(CiaCellKind.Integer, CiaNumber.Parse(cell, out var value, out _));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("5.04", 5.04)]
    [InlineData("-1.81", -1.81)]
    [InlineData("0.65", 0.65)]
    [InlineData("99999999999999999999", 1e20)]
    public void Parse_Fraction_Real(string cell, double expected)
    {
        Assert.Equal(CiaCellKind.Real, CiaNumber.Parse(cell, out _, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("NA")]
    [InlineData(" NA ")]
    public void Parse_Empty_Missing(string cell) =>
        Assert.Equal(CiaCellKind.Missing, CiaNumber.Parse(cell, out _, out _));

    [Theory]
    [InlineData("2008 est.")]
    [InlineData("FY05/06")]
    [InlineData("1e5")]
    [InlineData("+3")]
    [InlineData("-")]
    [InlineData("3.")]
    [InlineData(".5")]
    [InlineData("1.2.3")]
    [InlineData("$")]
    public void Parse_NotANumber_Text(string cell) =>
        Assert.Equal(CiaCellKind.Text, CiaNumber.Parse(cell, out _, out _));
}
