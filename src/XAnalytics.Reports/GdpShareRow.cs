using XAnalytics.Reports.Reference;

namespace XAnalytics.Reports;

/// <summary>The share of learners from countries whose GDP per capita is under a threshold.</summary>
/// <param name="CourseId">Canonical course id; empty for all courses together.</param>
/// <param name="Threshold">GDP per capita (PPP, US$) threshold.</param>
/// <param name="LearnersWithGdp">Learners whose country has a Factbook GDP per capita (UNKNOWN and unmatched countries are left out).</param>
/// <param name="LearnersBelow">Of those, learners from countries under the threshold.</param>
/// <param name="Interval">The share with its 95% interval; null when no learner has a known GDP.</param>
public sealed record GdpShareRow(string CourseId, double Threshold, long LearnersWithGdp, long LearnersBelow, BinomialInterval? Interval);
