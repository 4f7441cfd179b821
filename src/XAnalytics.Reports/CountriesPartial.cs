namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="CountriesReport"/>: one per worker thread.</summary>
public sealed class CountriesPartial
{
    internal CountriesPartial()
    {
    }

    internal HashSet<(int Course, long User)> Learners { get; } = [];

    internal Dictionary<long, LastIp> LastIp { get; } = [];

    internal (int Course, long User) LastLearner { get; set; } = (-1, 0);

    // The previous event's user and their entry: a user's events come in runs, so most events skip the lookup.
    internal long CurrentUser { get; set; }

    internal LastIp? Current { get; set; }
}
