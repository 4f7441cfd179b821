using System.Globalization;
using System.Text;

namespace XAnalytics.Generation;

/// <summary>
/// Courses and learners shared read-only by every file generator. Built once from the master
/// seed; all strings the writers need are pre-encoded to UTF-8 so the hot path never encodes.
/// </summary>
internal sealed class Catalog
{
    /// <summary>Zipf exponent over learners: 0.75 gives the top learner ~3% of the activity for 2,000 learners.</summary>
    private const double LearnerZipfExponent = 0.75;

    public required CourseInfo[] Courses { get; init; }

    public required LearnerInfo[] Learners { get; init; }

    /// <summary>Cumulative Zipf weights by learner index (ranks shuffled, so learner 0 is not always the busiest).</summary>
    public required double[] LearnerCumulative { get; init; }

    public required byte[] Host { get; init; }

    /// <summary>Desktop agents: the fixed list plus generated browser builds, so agents vary like real ones.</summary>
    public required byte[][] Agents { get; init; }

    public required byte[] BaseUrl { get; init; }

    /// <summary>
    /// With <see cref="ArchiveShape.RealLog"/>, the number of distinct page URLs implicit events draw from (twice
    /// the archive's events); 0 for the synthetic shape, whose page events keep their few hundred paths.
    /// </summary>
    public long UniquePages { get; init; }

    public static Catalog Build(GeneratorOptions options)
    {
        var rng = new Rng(Rng.Derive(options.Seed, 0xC0C0));
        var courses = new CourseInfo[options.Courses];
        var orgs = new string[Math.Max(1, (options.Courses + 1) / 2)];
        for (int i = 0; i < orgs.Length; i++)
        {
            orgs[i] = Capitalize(Syllables(ref rng, 2)) + "X";
        }

        for (int i = 0; i < courses.Length; i++)
        {
            courses[i] = CourseInfo.Create(ref rng, orgs[rng.Below(orgs.Length)], isV1: i % 2 == 0, options.Host);
        }

        byte[][] agents = BuildAgents(ref rng);
        var learners = new LearnerInfo[options.Learners];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < learners.Length; i++)
        {
            learners[i] = LearnerInfo.Create(ref rng, i, courses.Length, agents.Length, names);
        }

        // Zipf over ranks, ranks assigned to learners by a seeded Fisher-Yates shuffle.
        int n = learners.Length;
        var rankOf = new int[n];
        for (int i = 0; i < n; i++)
        {
            rankOf[i] = i;
        }

        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Below(i + 1);
            (rankOf[i], rankOf[j]) = (rankOf[j], rankOf[i]);
        }

        var cumulative = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += Math.Pow(rankOf[i] + 1, -LearnerZipfExponent);
            cumulative[i] = total;
        }

        return new Catalog
        {
            Courses = courses,
            Learners = learners,
            LearnerCumulative = cumulative,
            Host = Encoding.UTF8.GetBytes(options.Host),
            Agents = agents,
            BaseUrl = Encoding.UTF8.GetBytes("https://" + options.Host),
            UniquePages = options.Shape == ArchiveShape.RealLog ? Math.Max(1024, 2 * options.Events) : 0,
        };
    }

    /// <summary>The fixed agents first (the most common), then 400 generated builds of the same browsers.</summary>
    private static byte[][] BuildAgents(ref Rng rng)
    {
        var agents = new List<byte[]>(Vocabulary.DesktopAgents);
        string[] windows = ["6.1", "6.3", "6.2", "10.0", "5.1"];
        for (int i = 0; i < 400; i++)
        {
            string win = windows[(int)Math.Min(windows.Length - 1, rng.Exponential(1.2))];
            int chrome = rng.Between(36, 42);
            string chromeVersion = $"{I(chrome)}.0.{I(1985 + ((chrome - 36) * 60) + rng.Below(60))}.{I(rng.Below(160))}";
            string mac = $"10_{I(rng.Between(7, 10))}_{I(rng.Below(5))}";
            int ff = rng.Between(30, 37);
            string agent = rng.Below(10) switch
            {
                < 4 => $"Mozilla/5.0 (Windows NT {win}; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chromeVersion} Safari/537.36",
                < 6 => $"Mozilla/5.0 (Windows NT {win}; {(rng.Chance(0.5) ? "WOW64; " : "")}rv:{I(ff)}.0) Gecko/20100101 Firefox/{I(ff)}.0",
                6 => $"Mozilla/5.0 (Macintosh; Intel Mac OS X {mac}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chromeVersion} Safari/537.36",
                7 => $"Mozilla/5.0 (Macintosh; Intel Mac OS X {mac}) AppleWebKit/600.{I(rng.Between(1, 5))}.{I(rng.Between(1, 17))} (KHTML, like Gecko) Version/8.0.{I(rng.Below(5))} Safari/600.{I(rng.Between(1, 5))}.{I(rng.Between(1, 17))}",
                8 => $"Mozilla/5.0 (Linux; Android {I(rng.Between(4, 5))}.{I(rng.Below(5))}.{I(rng.Below(5))}; {Syllables(ref rng, 1).ToUpperInvariant()}-{I(rng.Between(100, 999))} Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chromeVersion} Mobile Safari/537.36",
                _ => $"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{chromeVersion} Safari/537.36",
            };
            agents.Add(U(agent));
        }

        return [.. agents];
    }

    public static string Syllables(ref Rng rng, int count)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Append(Vocabulary.Syllables[rng.Below(Vocabulary.Syllables.Length)]);
        }

        return sb.ToString();
    }

    public static string Capitalize(string s) => string.Concat(s[..1].ToUpperInvariant(), s.AsSpan(1));

    internal static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    internal static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
