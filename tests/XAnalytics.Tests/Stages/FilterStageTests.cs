using XAnalytics.Pipeline;
using XAnalytics.Stages;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages;

public sealed class FilterStageTests
{
    private static readonly string[] s_events =
    [
        Event("u_one", "play_video", "course-v1:MITx+6.002x+2T2015", "2015-03-01T00:00:00+00:00", 1),
        Event("u_two", "pause_video", "MITx/6.002x/2T2015", "2015-03-01T23:59:59.999999+00:00", 2),
        Event("u_one", "problem_check", "OrgY/C2/2015", "2015-03-02T00:00:00.000001+00:00", 3),
        Event("u_three", "play_video", "course-v1:OrgY+C2+2015", "2015-02-28T23:00:00-02:00", 4),
        """{"username": "u_four", "event_type": "/courses/MITx/6.002x/2T2015/courseware/", "time": "2015-03-01T12:00:00+00:00", "context": {}, "event": {"n": 5, "ok": true}}""",
    ];

    private static string Event(string user, string type, string course, string time, int n)
        => $$"""{"username": "{{user}}", "event_type": "{{type}}", "time": "{{time}}", "context": {"course_id": "{{course}}"}, "event": {"n": {{n}}, "ok": {{(n % 2 == 0 ? "true" : "false")}}, "s": "a\"b"} }""";

    private static async Task<int[]> KeptAsync(FilterOptions options)
    {
        (List<string> lines, RunResult result) = await RunAsync(s_events, [FilterStage.Create(options)], threads: 2, batchEvents: 2);
        Assert.Equal(s_events.Length - lines.Count, result.Counters.Filtered);
        Assert.Equal(s_events.Length - lines.Count, result.Counters.Stages[FilterStage.Name].In - result.Counters.Stages[FilterStage.Name].Out);
        return [.. lines.Select(l => Array.IndexOf(s_events, l) + 1)];
    }

    private static async Task AssertKeptAsync(int[] expected, FilterOptions options) => Assert.Equal(expected, await KeptAsync(options));

    [Fact]
    public async Task Filter_DateOnlyBounds_MaxIncludesWholeDayInUtc()
    {
        int[] kept = await KeptAsync(new FilterOptions { MinTime = FilterDates.ParseMin("2015-03-01"), MaxTime = FilterDates.ParseMax("2015-03-01") });

        // 4 is 2015-03-01T01:00Z once converted to UTC.
        Assert.Equal([1, 2, 4, 5], kept);
    }

    [Fact]
    public async Task Filter_TimeBound_ComparedAsInstants()
    {
        await AssertKeptAsync([3], new FilterOptions { MinTime = FilterDates.ParseMin("2015-03-02T00:00:00Z") });
        await AssertKeptAsync([1, 4], new FilterOptions { MaxTime = FilterDates.ParseMax("2015-03-01T01:00:00Z") });
    }

    [Fact]
    public async Task Filter_EventTypes_Exact()
        => await AssertKeptAsync([1, 4], new FilterOptions { EventTypes = ["play_video"] });

    [Fact]
    public async Task Filter_Courses_MatchedOnCanonicalIdsAndUrls()
    {
        await AssertKeptAsync([1, 2, 5], new FilterOptions { Courses = ["course-v1:MITx+6.002x+2T2015"] });
        await AssertKeptAsync([3, 4], new FilterOptions { Courses = ["OrgY/C2/2015"] });
    }

    [Fact]
    public async Task Filter_Users()
        => await AssertKeptAsync([1, 3, 5], new FilterOptions { Users = ["u_one", "u_four"] });

    [Fact]
    public async Task Filter_Where_StringsUnescapedNumbersAndBoolsByText()
    {
        await AssertKeptAsync([2, 3], new FilterOptions { Where = [FieldCondition.Parse("event.n=2,3")] });
        await AssertKeptAsync([2, 4, 5], new FilterOptions { Where = [FieldCondition.Parse("event.ok=true")] });
        await AssertKeptAsync([1, 2, 3, 4], new FilterOptions { Where = [FieldCondition.Parse("event.s=a\"b")] });
        await AssertKeptAsync([1], new FilterOptions { Where = [FieldCondition.Parse("event.s=a\"b"), FieldCondition.Parse("username=u_one"), FieldCondition.Parse("event_type=play_video")] });
    }

    [Fact]
    public async Task Filter_WhereOnBrowserEventString_ReadInsideIt()
    {
        string[] events =
        [
            """{"username": "u_one", "event_type": "play_video", "event": "{\"id\": \"v1\", \"code\": \"x\\\"y\"}"}""",
            """{"username": "u_two", "event_type": "play_video", "event": "{\"id\": \"v2\"}"}""",
            """{"username": "u_three", "event_type": "play_video", "event": "{\"id\": \"v1\", \"cut"}""",
        ];
        (List<string> lines, _) = await RunAsync(events, [FilterStage.Create(new FilterOptions { Where = [FieldCondition.Parse("event.id=v1")] })], threads: 2, batchEvents: 2);
        (List<string> escaped, _) = await RunAsync(events, [FilterStage.Create(new FilterOptions { Where = [FieldCondition.Parse("event.code=x\"y")] })], threads: 1);

        Assert.Equal([events[0]], lines);
        Assert.Equal([events[0]], escaped);
    }

    [Fact]
    public async Task Filter_Combined_AllConditionsHold()
        => await AssertKeptAsync([1], new FilterOptions { Users = ["u_one"], Courses = ["MITx/6.002x/2T2015"] });

    [Fact]
    public void Create_BadCourse_Throws()
        => Assert.Throws<FormatException>(() => FilterStage.Create(new FilterOptions { Courses = ["not a course"] }));

    [Fact]
    public void FilterDates_FreeForm()
    {
        Assert.Equal(new DateTimeOffset(2015, 3, 1, 0, 0, 0, TimeSpan.Zero), FilterDates.ParseMin("20150301"));
        Assert.Equal(new DateTimeOffset(2015, 3, 2, 0, 0, 0, TimeSpan.Zero).AddTicks(-1), FilterDates.ParseMax("2015-03-01"));
        Assert.Equal(new DateTimeOffset(2015, 3, 1, 8, 0, 0, TimeSpan.Zero), FilterDates.ParseMax("2015-03-01T10:00:00+02:00"));
        Assert.Throws<FormatException>(() => FilterDates.ParseMin("yesterday-ish"));

        // The calendar's last day ends at its last tick (this threw "un-representable DateTime" in count, filter, learners).
        Assert.Equal(DateTimeOffset.MaxValue, FilterDates.ParseMax("9999-12-31"));
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), FilterDates.ParseMin("9999-12-31"));
    }

    [Theory]
    [InlineData("9999-12-31T23:00:00-05:00", true)]
    [InlineData("9999-12-31T20:00-0500", true)]
    [InlineData("9999-12-31 23:59:59.9999999-01:00", true)]
    [InlineData("9999-12-31T23:00:00-5", true)]
    [InlineData("9999-12-31T23:00:00-5:00", true)]
    [InlineData("0001-01-01T01:00:00+05:00", false)]
    [InlineData("0001-01-01T00:00:00+00:01", false)]
    public void FilterDates_InstantPastTheCalendarsEdge_IsThatEdge(string text, bool end)
    {
        // An offset that takes the time past 9999-12-31 (or before 0001-01-01) once made UTC was refused as "not a date
        // or time"; every event time is before (after) it, so it is the calendar's last (first) instant.
        DateTimeOffset edge = end ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
        Assert.Equal(edge, FilterDates.ParseMax(text));
        Assert.Equal(edge, FilterDates.ParseMin(text));
    }

    [Theory]
    [InlineData("9999-12-31T23:00:00-15:00")] // no such offset
    [InlineData("9999-12-32T23:00:00-05:00")] // no such day
    [InlineData("9999-12-31T25:00:00-05:00")] // no such hour
    [InlineData("9999-12-31T23:00:00Z-05:00")] // two zones (the clock's own was once read in this machine's zone)
    [InlineData("9999-12-31T20:00:00Z-05:00")]
    [InlineData("9999-12-31T23:00:00+01:00-05:00")]
    public void FilterDates_BeyondTheEdgeButMalformed_StillRefused(string text)
        => Assert.StartsWith("not a date or time", Assert.Throws<FormatException>(() => FilterDates.ParseMax(text)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("02/03/2015", "ambiguous date '02/03/2015'", "2015-03-02 or 2015-02-03")]
    [InlineData("13/03/2015", "day-first or month-first date '13/03/2015'", "2015-03-13")]
    [InlineData("03-02-2015", "ambiguous date '03-02-2015'", "2015-02-03 or 2015-03-02")]
    public void FilterDates_DayOrMonthFirst_ErrorNamesTheValueAndTheYearFirstReadings(string text, string start, string readings)
    {
        // It used to be read month first (3 February), silently keeping the wrong month's events.
        var ex = Assert.Throws<FormatException>(() => FilterDates.ParseMin(text));

        Assert.StartsWith(start, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"e.g. {readings}.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => FilterDates.ParseMax(text));
    }

    [Fact]
    public void FilterDates_YearFirstWithTime_Accepted()
    {
        Assert.Equal(new DateTimeOffset(2015, 3, 2, 10, 30, 0, TimeSpan.Zero), FilterDates.ParseMin("2015-03-02 10:30"));
        Assert.Equal(new DateTimeOffset(2015, 3, 2, 0, 0, 0, TimeSpan.Zero), FilterDates.ParseMin("2015/03/02"));
    }
}
