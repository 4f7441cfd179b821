namespace XAnalytics.Reports.Reference;

/// <summary>How one Factbook cell reads as a number.</summary>
internal enum CiaCellKind
{
    /// <summary>Empty, blank, or <c>NA</c> (the Factbook's "not available").</summary>
    Missing,

    /// <summary>A number with no fractional part that fits a 64-bit integer.</summary>
    Integer,

    /// <summary>Any other number.</summary>
    Real,

    /// <summary>Not a number.</summary>
    Text,
}
