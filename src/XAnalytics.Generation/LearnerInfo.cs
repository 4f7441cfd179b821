namespace XAnalytics.Generation;

/// <summary>A learner: synthetic username (syllables + digits), stable user id, home IP, agent and courses.</summary>
internal sealed class LearnerInfo
{
    public required byte[] Username { get; init; }

    public required int UserId { get; init; }

    /// <summary>Bits the home IP address is formatted from (IPv6 for about 6% of learners).</summary>
    public required ulong IpBits { get; init; }

    public required int Agent { get; init; }

    public required int MobileAgent { get; init; }

    /// <summary>Share of this learner's sessions that come from the mobile app.</summary>
    public required double MobileShare { get; init; }

    public required int Language { get; init; }

    public required int[] Courses { get; init; }

    public required int Mode { get; init; }

    public static LearnerInfo Create(ref Rng rng, int index, int courseCount, int agentCount, HashSet<string> taken)
    {
        string name;
        do
        {
            string stem = Catalog.Syllables(ref rng, rng.Between(2, 3));
            name = rng.Below(4) switch
            {
                0 => stem,
                1 => stem + "_" + Catalog.Syllables(ref rng, 2),
                2 => Catalog.Capitalize(stem) + Catalog.I(rng.Below(100)),
                _ => stem + Catalog.I(rng.Between(1950, 2005)),
            };
        }
        while (!taken.Add(name));

        int enrolled = Math.Min(courseCount, 1 + (rng.Chance(0.35) ? 1 : 0) + (rng.Chance(0.15) ? 1 : 0));
        var courses = new int[enrolled];
        for (int i = 0; i < enrolled; i++)
        {
            int c;
            do
            {
                // Earlier courses are bigger: a mild skew towards low indices.
                c = (int)(courseCount * Math.Pow(rng.NextDouble(), 1.4));
            }
            while (Array.IndexOf(courses, c, 0, i) >= 0);
            courses[i] = c;
        }

        return new LearnerInfo
        {
            Username = Catalog.U(name),
            UserId = 1_000_000 + (index * 13) + rng.Below(13),
            IpBits = rng.Next(),
            Agent = rng.Chance(0.4) ? Math.Min(Vocabulary.DesktopAgents.Length - 1, (int)rng.Exponential(2.5)) : rng.Below(agentCount),
            MobileAgent = rng.Below(Vocabulary.MobileAgents.Length),
            MobileShare = rng.Chance(0.12) ? 0.6 : 0.0,
            Language = Math.Min(Vocabulary.AcceptLanguages.Length - 1, (int)rng.Exponential(2.0)),
            Courses = courses,
            Mode = rng.Below(10) switch { < 5 => 0, < 8 => 1, 8 => 2, _ => 3 },
        };
    }
}
