using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Aggregates;

/// <summary>Counts over hand-written events whose answers are known, run through the whole pipeline.</summary>
public sealed class CountAggregateTests
{
    private static readonly string[] s_events =
    [
        "{\"username\":\"learner_a\",\"event_type\":\"play_video\",\"time\":\"2015-03-01T10:00:00.123456+00:00\",\"context\":{\"course_id\":\"course-v1:Org+A+2015\"}}",
        "{\"username\":\"learner_b\",\"event_type\":\"play_video\",\"time\":\"2015-03-01T23:30:00-05:00\",\"context\":{\"course_id\":\"course-v1:Org+A+2015\"}}",
        "{\"username\":\"learner_a\",\"event_type\":\"pause_video\",\"time\":\"2015-03-02T00:00:00Z\",\"context\":{\"course_id\":\"Org/B/2015\"}}",
        "{\"username\":\"\",\"event_type\":\"play_video\",\"time\":\"2015-03-02T01:00:00\",\"context\":{}}",
        "{\"username\":\"learner_c\",\"event_type\":\"problem_check\",\"time\":\"2015-03-03T12:00:00.5+00:00\",\"context\":{\"course_id\":\"course-v1:Org+A+2015\"}}",
        "{\"event_type\":\"pause_video\",\"time\":\"2015-03-03 06:00:00+0000\"}",
        "{\"username\":null,\"event_type\":\"seq_goto\",\"time\":\"not a time\",\"context\":{\"course_id\":null}}",
        "{\"username\":\"learner_b\",\"time\":\"2015-03-04T02:00:00+03:00\",\"context\":{\"course_id\":\"Org/B/2015\"}}",
        "{\"username\":\"learner_d\",\"event_type\":\"play_video\",\"time\":1425200000,\"context\":\"not an object\"}",
    ];

    [Fact]
    public async Task Count_ByEventType_CountsSortedByCountThenValue()
    {
        IReadOnlyList<CountRow> rows = await CountRowsAsync("event_type");

        Assert.Equal(
            ["play_video=4", "pause_video=2", "(null)=1", "problem_check=1", "seq_goto=1"],
            rows.Select(Show));
    }

    [Fact]
    public async Task Count_ByNestedCourseId_MissingAndNullAndNonObjectAreNull()
    {
        IReadOnlyList<CountRow> rows = await CountRowsAsync("context.course_id");

        Assert.Equal(
            ["(null)=4", "course-v1:Org+A+2015=3", "Org/B/2015=2"],
            rows.Select(Show));
    }

    [Fact]
    public async Task Count_ByTwoFields_CountsPairs()
    {
        IReadOnlyList<CountRow> rows = await CountRowsAsync("event_type", "username");

        Assert.Equal(
            [
                "(null)|learner_b=1",
                "pause_video|(null)=1",
                "pause_video|learner_a=1",
                "play_video|=1",
                "play_video|learner_a=1",
                "play_video|learner_b=1",
                "play_video|learner_d=1",
                "problem_check|learner_c=1",
                "seq_goto|(null)=1",
            ],
            rows.Select(Show));
    }

    /// <summary>
    /// <c>day</c> is the UTC date: 23:30 at -05:00 is the next day, 02:00 at +03:00 the day before; no zone means
    /// UTC; a time that is not a date string is null.
    /// </summary>
    [Fact]
    public async Task Count_ByDay_UtcDateOfTime()
    {
        IReadOnlyList<CountRow> rows = await CountRowsAsync("day");

        Assert.Equal(
            [
                "2015-03-02=3", // 23:30-05:00 on the 1st, 00:00Z on the 2nd, 01:00 without a zone
                "2015-03-03=3", // 12:00:00.5+00:00, "06:00:00+0000" with a space, 02:00+03:00 on the 4th
                "(null)=2", // "not a time", and a number
                "2015-03-01=1",
            ],
            rows.Select(Show));
    }

    [Fact]
    public async Task Count_ByDayAndType_OffsetTimeCountsOnUtcDay()
    {
        IReadOnlyList<CountRow> rows = await CountRowsAsync("day", "event_type");

        Assert.Contains("2015-03-02|play_video=2", rows.Select(Show)); // 23:30-05:00 on the 1st, and 01:00 (UTC) on the 2nd
        Assert.Contains("2015-03-01|play_video=1", rows.Select(Show));
    }

    [Fact]
    public async Task Count_MissingField_OneNullRow()
    {
        IReadOnlyList<CountRow> rows = await CountRowsAsync("no_such_field");

        CountRow row = Assert.Single(rows);
        Assert.Null(row.Values[0]);
        Assert.Equal(s_events.Length, row.Count);
    }

    [Fact]
    public async Task Count_NoFields_TotalsAndDistinctNonEmptyUsers()
    {
        using var dir = new TempDir();
        string file = dir.WriteText("t.log", string.Join('\n', s_events));
        var aggregate = new CountAggregate([]);

        RunResult result = await EventPipeline.RunAsync(Run.Options([file]), [], new AggregateSink<CountTable>(aggregate)).WaitAsync(Run.Timeout);

        Run.AssertBalanced(result.Counters);
        Assert.NotNull(aggregate.Result);
        Assert.Equal(s_events.Length, aggregate.Result.Events);
        Assert.Equal(4, aggregate.Result.DistinctUsers); // learner_a..d; "" and null and a missing username are no user
        Assert.Null(aggregate.Result.Rows);
    }

    [Fact]
    public async Task Count_EscapedAndPlainSameText_OneRow()
    {
        using var dir = new TempDir();
        string file = dir.WriteText("t.log", "{\"event_type\":\"caf\\u00e9\"}\n{\"event_type\":\"café\"}\n{\"event_type\":\"a\\/b\"}\n{\"event_type\":\"a/b\"}\n");

        (_, CountResult counts) = await Run.CountAsync(Run.Options([file]));

        Assert.Equal(["a/b=2", "café=2"], counts.Rows!.Select(Show));
    }

    [Fact]
    public async Task Count_ManyFilesOnFourThreads_SameAsOneThread()
    {
        using var dir = new TempDir();
        var random = new Random(3);
        for (int f = 0; f < 20; f++)
        {
            var lines = new List<string>();
            for (int i = 0; i < 500; i++)
            {
                lines.Add($"{{\"event_type\":\"t{random.Next(30)}\",\"username\":\"u{random.Next(100)}\",\"context\":{{\"course_id\":\"c{random.Next(5)}\"}}}}");
            }

            string text = string.Join('\n', lines) + "\n";
            _ = f % 2 == 0 ? dir.WriteGzip($"f{f:D2}.log.gz", text) : dir.WriteText($"f{f:D2}.log", text);
        }

        PipelineOptions small = Run.Options([dir.Root]) with { BatchEvents = 17 };
        (_, CountResult one) = await Run.CountAsync(small with { Threads = 1 }, "event_type", "context.course_id");
        (_, CountResult four) = await Run.CountAsync(small with { Threads = 4 }, "event_type", "context.course_id");

        Assert.Equal(10_000, one.Events);
        Assert.Equal(one.Rows!.Select(Show), four.Rows!.Select(Show));
        Assert.Equal(10_000, four.Rows!.Sum(r => r.Count));
    }

    private static async Task<IReadOnlyList<CountRow>> CountRowsAsync(params string[] by)
    {
        using var dir = new TempDir();
        string file = dir.WriteText("t.log", string.Join('\n', s_events) + "\n");
        (RunResult result, CountResult counts) = await Run.CountAsync(Run.Options([file]), by);
        Assert.Equal(s_events.Length, result.Counters.Events);
        Assert.Equal(s_events.Length, counts.Rows!.Sum(r => r.Count));
        return counts.Rows!;
    }

    private static string Show(CountRow row) => string.Join('|', row.Values.Select(v => v ?? "(null)")) + "=" + row.Count;
}
