using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>The answer distribution's tallies, against a plain model of edX's second reducer.</summary>
public sealed class AnswerTalliesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Add_RandomAnswersWithTies_AsTheModel(int seed)
    {
        var random = new Random(seed);
        var texts = new InternedBytes();
        var tallies = new AnswerTallies(texts);
        string[] problems = ["p", "q", "p2", "\uE000", "\U0001F600"];
        var parts = new Dictionary<(int Course, int Part), (Model Key, int Answer)>();
        var partOrder = new List<(int Course, int Part)>();
        var groups = new Dictionary<(int Course, int Part, int Group), (Model Key, int Answer, int First, int Last)>();
        for (int i = 0; i < 20_000; i++)
        {
            // Few times, learners and problems: most keys tie on time, many on everything but the problem or the flag.
            var model = new Model(random.Next(4), (ulong)random.Next(3), random.Next(2) == 0, problems[random.Next(problems.Length)], random.Next(3));
            int course = random.Next(2), part = texts.Intern("part" + random.Next(5)), group = texts.Intern("g" + random.Next(6)), answer = random.Next(1000);
            tallies.Add(course, part, new AnswerKey(model.Ticks, model.User, model.First, texts.Intern(model.Problem), texts.Intern("name" + model.Name)), answer, group);

            if (!parts.TryGetValue((course, part), out var latest))
            {
                partOrder.Add((course, part));
                parts[(course, part)] = (model, answer);
            }
            else if (model.CompareTo(latest.Key) > 0)
            {
                parts[(course, part)] = (model, answer);
            }

            if (!groups.TryGetValue((course, part, group), out var g))
            {
                g = (model, answer, 0, 0);
            }
            else if (model.CompareTo(g.Key) > 0)
            {
                g = (model, answer, g.First, g.Last);
            }

            groups[(course, part, group)] = model.First ? (g.Key, g.Answer, g.First + 1, g.Last) : (g.Key, g.Answer, g.First, g.Last + 1);
        }

        Assert.Equal(partOrder.Count, tallies.PartCount);
        Assert.Equal(groups.Count, tallies.GroupCount);
        for (int p = 0; p < tallies.PartCount; p++)
        {
            AnswerTallies.Tally t = tallies.Part(p);
            Assert.Equal(partOrder[p], (t.Course, t.PartId));
            (Model key, int answer) = parts[partOrder[p]];
            Assert.Equal(answer, t.Answer);
            Assert.Equal(key, Of(t.Key, texts));
        }

        (int[] starts, int[] order) = tallies.GroupsByPart();
        for (int p = 0; p < tallies.PartCount; p++)
        {
            for (int at = starts[p]; at < starts[p + 1]; at++)
            {
                AnswerTallies.Group g = tallies.GroupAt(order[at]);
                Assert.Equal(p, g.Part);
                Assert.True(at == starts[p] || order[at] > order[at - 1]);
                var expected = groups[(tallies.Part(p).Course, tallies.Part(p).PartId, g.GroupKey)];
                Assert.Equal((expected.Key, expected.Answer, expected.First, expected.Last), (Of(g.Key, texts), g.Answer, g.First, g.Last));
            }
        }
    }

    private static Model Of(AnswerKey key, InternedBytes texts)
        => new(key.Ticks, key.User, key.First, texts.GetString(key.ProblemId), int.Parse(texts.GetString(key.DisplayName)[4..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The answer key as edX's sort (and the section before its tallies were compact) ordered it: the display name not compared.</summary>
    private sealed record Model(long Ticks, ulong User, bool First, string Problem, int Name)
    {
        public int CompareTo(Model other)
        {
            if (Ticks != other.Ticks)
            {
                return Ticks < other.Ticks ? -1 : 1;
            }

            if (User != other.User)
            {
                return User < other.User ? -1 : 1;
            }

            if (First != other.First)
            {
                return First ? -1 : 1; // a first submission before a last one
            }

            return string.CompareOrdinal(Problem, other.Problem);
        }
    }
}
