using XAnalytics.Events;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The event types the sections select on, read once per event by <see cref="EventFacts"/>: compared unescaped within
/// the type's family, with whether the type and source were written with escapes (the problem tables compare them byte
/// for byte, as they did when each looked them up).
/// </summary>
public sealed class EventFactsTypeTests
{
    private const string Time = "\"time\":\"2015-03-01T00:10:27.566487+00:00\"";
    private const string Context = "\"context\":{\"user_id\":42,\"course_id\":\"course-v1:OrgX+C1+2015\"}";

    [Theory]
    [InlineData("play_video", "browser", "PlayVideo", false)]
    [InlineData("pause_video", "browser", "PauseVideo", false)]
    [InlineData("seek_video", "mobile", "SeekVideo", false)]
    [InlineData("stop_video", "browser", "StopVideo", false)]
    [InlineData("load_video", "browser", "Other", false)]
    [InlineData("problem_check", "server", "ProblemCheck", true)]
    [InlineData("problem_check", "browser", "ProblemCheck", false)]
    [InlineData("problem_check_fail", "server", "Other", false)]
    [InlineData("edx.ui.lms.link_clicked", "browser", "LinkClicked", false)]
    [InlineData("edx.ui.lms.outline.selected", "browser", "Other", false)]
    // An escaped type is compared unescaped; its family is read from the bytes as written (as before).
    [InlineData("problem\\u005fcheck", "server", "ProblemCheck", false)]
    [InlineData("problem_check", "serv\\u0065r", "ProblemCheck", false)]
    [InlineData("play\\u005fvideo", "browser", "Other", false)]
    public void Read_Type_KnownTypeAndServerCheck(string type, string source, string expected, bool serverProblemCheck)
    {
        EventBatch batch = Batches.Parse($"{{{Time},\"event_type\":\"{type}\",\"event_source\":\"{source}\",{Context}}}");
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        EventFact fact = facts.Read(batch)[0];

        Assert.True(fact.Kept);
        Assert.Equal(expected, fact.Type.ToString());
        Assert.Equal(serverProblemCheck, ServerProblemCheck.Is(in fact));
    }

    [Fact]
    public void Read_DroppedEvent_HasNoType()
    {
        // No time: no report keeps the event, and its type is not read.
        EventBatch batch = Batches.Parse($"{{\"event_type\":\"play_video\",\"event_source\":\"browser\",{Context}}}");
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        EventFact fact = facts.Read(batch)[0];

        Assert.False(fact.Kept);
        Assert.Equal(KnownEventType.Other, fact.Type);
    }
}
