namespace XAnalytics.Reports.Reference;

/// <summary>
/// A 95% interval for a share <c>k/n</c> (for example the share of a country's learners who
/// completed), computed as the original Python toolkit's significance helper did.
/// </summary>
/// <param name="Share">The point estimate <c>k/n</c>.</param>
/// <param name="Lower">The lower bound, within [0, 1].</param>
/// <param name="Upper">The upper bound, within [0, 1].</param>
/// <param name="IsExact">Whether the bounds are Beta quantiles (<c>k</c> below <see cref="ExactBelow"/>) rather than the normal approximation.</param>
public readonly record struct BinomialInterval(double Share, double Lower, double Upper, bool IsExact)
{
    /// <summary>Counts of successes below this use the exact Beta quantiles; from here on the normal approximation.</summary>
    public const long ExactBelow = 40;

    /// <summary>The two-sided level's tail probability on each side (2.5%).</summary>
    public const double TailProbability = 0.025;

    /// <summary>The normal quantile for 97.5%, as the toolkit used it (1.96, not 1.959964...).</summary>
    public const double Z = 1.96;

    /// <summary>
    /// The interval for <paramref name="successes"/> out of <paramref name="trials"/>.
    /// When <c>k &lt; 40</c>: the 2.5% and 97.5% quantiles of the posterior under a uniform
    /// prior, Beta(k+1, n-k+1). Otherwise <c>p ± 1.96·sqrt(p(1-p)/n)</c>, clamped to [0, 1]
    /// (the toolkit did not clamp; a share cannot leave [0, 1], so this only matters when
    /// <c>n - k</c> is tiny).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trials"/> is not positive, or <paramref name="successes"/> is outside [0, trials].</exception>
    public static BinomialInterval Compute(long successes, long trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);

        var share = (double)successes / trials;
        if (successes < ExactBelow)
        {
            double a = successes + 1, b = trials - successes + 1;
            return new BinomialInterval(
                share,
                IncompleteBeta.Inverse(TailProbability, a, b),
                IncompleteBeta.Inverse(1 - TailProbability, a, b),
                IsExact: true);
        }

        var halfWidth = Z * Math.Sqrt(share * (1 - share) / trials);
        return new BinomialInterval(share, Math.Max(0, share - halfWidth), Math.Min(1, share + halfWidth), IsExact: false);
    }
}
