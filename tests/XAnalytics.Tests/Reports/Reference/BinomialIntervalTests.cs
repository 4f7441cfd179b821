using XAnalytics.Reports.Reference;

namespace XAnalytics.Tests.Reports.Reference;

public sealed class BinomialIntervalTests
{
    // Reference quantiles were computed independently of the continued fraction, in Python
    // with 60-digit decimals: I_x(a, b) = P(Binomial(a + b - 1, x) >= a) for integer a, b,
    // summed term by term, then 120 bisection steps for x at 0.025 and 0.975.
    [Theory]
    [InlineData(0, 10, 0.0022989722138142669, 0.28491415291815447)]
    [InlineData(10, 10, 0.71508584708184553, 0.99770102778618575)]
    [InlineData(1, 2, 0.094299324050246075, 0.9057006759497539)]
    [InlineData(5, 10, 0.23379359765934515, 0.76620640234065485)]
    [InlineData(3, 100, 0.010894483716810321, 0.084356898276122444)]
    [InlineData(39, 1000, 0.028698773477998461, 0.052878442119807426)]
    [InlineData(0, 1, 0.01257911709342505, 0.841886116991581)]
    [InlineData(39, 100000, 0.00028577790183168374, 0.00053309934852991563)]
    public void Compute_FewSuccesses_BetaQuantiles(long k, long n, double lower, double upper)
    {
        var interval = BinomialInterval.Compute(k, n);

        Assert.True(interval.IsExact);
        Assert.Equal((double)k / n, interval.Share);
        Assert.Equal(lower, interval.Lower, lower * 1e-12);
        Assert.Equal(upper, interval.Upper, upper * 1e-12);
    }

    [Fact]
    public void Compute_NoSuccesses_ClosedForm()
    {
        // Beta(1, n + 1) has CDF 1 - (1 - x)^(n + 1), so its q-quantile is 1 - (1 - q)^(1 / (n + 1)).
        var interval = BinomialInterval.Compute(0, 10);

        Assert.Equal(1 - Math.Pow(0.975, 1.0 / 11), interval.Lower, 1e-15);
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 11), interval.Upper, 1e-15);
    }

    [Fact]
    public void Compute_ManyTrialsFewSuccesses_Converges()
    {
        // Beta(1, 10^7 + 1): the same closed form, 1 - exp(log(1 - q) / (n + 1)), evaluated in
        // Python with 50-digit decimals. Tiny x and a huge b stress log B, log1p and the bracket.
        var interval = BinomialInterval.Compute(0, 10_000_000);

        Assert.Equal(2.5317805420459767e-09, interval.Lower, 2.5317805420459767e-09 * 1e-12);
        Assert.Equal(3.6888784048346662e-07, interval.Upper, 3.6888784048346662e-07 * 1e-12);
    }

    [Fact]
    public void Compute_FortySuccesses_NormalApproximation()
    {
        // p = 0.4, half width 1.96 * sqrt(0.4 * 0.6 / 100) = 1.96 * 0.0489898 = 0.0960200.
        var interval = BinomialInterval.Compute(40, 100);

        Assert.False(interval.IsExact);
        Assert.Equal(0.4 - 0.09602000, interval.Lower, 1e-7);
        Assert.Equal(0.4 + 0.09602000, interval.Upper, 1e-7);
    }

    [Fact]
    public void Compute_AllSuccessesAboveThreshold_ClampedToOne()
    {
        var interval = BinomialInterval.Compute(50, 50);

        Assert.Equal(1.0, interval.Lower);
        Assert.Equal(1.0, interval.Upper);
    }

    [Fact]
    public void Compute_NearlyAll_UpperClamped()
    {
        // p = 49/50 = 0.98, half width 1.96 * sqrt(0.98 * 0.02 / 50) = 0.0388060; 0.98 + that > 1.
        var interval = BinomialInterval.Compute(49, 50);

        Assert.Equal(0.98 - 0.0388060, interval.Lower, 1e-6);
        Assert.Equal(1.0, interval.Upper);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, -5)]
    public void Compute_InvalidCounts_Throws(long k, long n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.Compute(k, n));

    [Theory]
    [InlineData(0.3, 2.0, 3.0)]
    [InlineData(0.001, 40.0, 962.0)]
    [InlineData(0.9, 0.5, 0.5)]
    public void Inverse_OfRegularized_RoundTrips(double x, double a, double b) =>
        Assert.Equal(x, IncompleteBeta.Inverse(IncompleteBeta.Regularized(x, a, b), a, b), x * 1e-10);

    [Fact]
    public void Regularized_ArcsineDistribution_ClosedForm()
    {
        // Beta(1/2, 1/2) is the arcsine law: I_x = (2 / pi) asin(sqrt x).
        foreach (var x in new[] { 0.01, 0.25, 0.5, 0.8, 0.999 })
        {
            Assert.Equal(2 / Math.PI * Math.Asin(Math.Sqrt(x)), IncompleteBeta.Regularized(x, 0.5, 0.5), 1e-13);
        }
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(5.0, 3.1780538303479458)] // log 24
    [InlineData(0.5, 0.57236494292470008)] // log sqrt(pi)
    [InlineData(101.0, 363.73937555556347)] // log 100!
    public void LogGamma_KnownValues(double x, double expected) =>
        Assert.Equal(expected, IncompleteBeta.LogGamma(x), Math.Max(1e-13, Math.Abs(expected) * 1e-14));

    [Theory]
    [InlineData(3.0, 150.0)]
    [InlineData(0.5, 1000.0)]
    [InlineData(200.0, 300.0)]
    public void LogBeta_StirlingBranch_MatchesLogGammas(double a, double b) =>
        Assert.Equal(IncompleteBeta.LogGamma(a) + IncompleteBeta.LogGamma(b) - IncompleteBeta.LogGamma(a + b), IncompleteBeta.LogBeta(a, b), 1e-11);
}
