using XAnalytics.Pipeline;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages.Desensitize;

/// <summary>Known identifiers planted everywhere they occur in edX logs must not survive Decode + Desensitize.</summary>
public sealed class PiiCanaryTests
{
    private static readonly PseudonymKey s_key = PseudonymKey.FromBytes("canary-key-canary-key-canary-key"u8);

    // Default profile: usernames, IPs, sessions, agents, hosts (the fields it names).
    private static readonly string[] s_defaultCanaries = ["canaryuser1", "canaryuser2", "203.0.113.77", "sess1on-canary", "CanaryAgent/9.9", "canary-host.example"];

    // Strict profile: also e-mail addresses and phone numbers in free text, and the page and referer.
    private static readonly string[] s_strictCanaries = ["canary.mail@example.org", "+44 20 7946 0958", "(555) 010-9999", "canary-page-secret"];

    private static string[] Events() =>
    [
        """{"username": "canaryuser1", "ip": "203.0.113.77", "agent": "CanaryAgent/9.9", "host": "canary-host.example", "session": "sess1on-canary", "event_source": "server", "event_type": "/api/mobile/v0.5/users/canaryuser1/course_enrollments/", "context": {"username": "canaryuser1", "ip": "203.0.113.77", "user_id": 1, "path": "/api/mobile/v0.5/users/canaryuser1/course_enrollments/"}, "event": "{\"POST\": {}, \"GET\": {}}", "time": "2015-03-01T10:00:00+00:00"}""",
        """{"username": "canaryuser2", "ip": "203.0.113.77", "agent": "CanaryAgent/9.9", "session": "sess1on-canary", "event_source": "browser", "event_type": "problem_check", "page": "https://lms.example/u/canaryuser2?canary-page-secret", "referer": "https://lms.example/canary-page-secret", "context": {"agent": "CanaryAgent/9.9", "session": "sess1on-canary"}, "event": "{\"username\": \"canaryuser2\", \"answers\": {\"q1\": \"mail canary.mail@example.org or ring +44 20 7946 0958\"}, \"session\": \"sess1on-canary\", \"user\": \"canaryuser1\"}", "time": "2015-03-01T10:00:01+00:00"}""",
        """{"username": "canaryuser1", "event_type": "edx.forum.thread.created", "event": {"body": "call me (555) 010-9999 or canary.mail@example.org", "user": "canaryuser2", "nested": {"deeper": [{"username": "canaryuser2"}]}, "url": "https://lms.example/courses/x/discussion/forum/users/canaryuser2"}, "context": {"path": "/api/user/v1/accounts/canaryuser2", "client_id": "canary-page-secret"}, "time": "2015-03-01T10:00:02+00:00"}""",
        """{"username": "canaryuser2", "event_type": "seq_goto", "event": "username=canaryuser2&session=sess1on-canary", "time": "2015-03-01T10:00:03+00:00"}""",
    ];

    [Fact]
    public async Task DefaultProfile_NoNamedIdentifierSurvives()
    {
        (List<string> output, RunResult result) = await RunAsync(Events(),
            [DecodeBrowserEventStage.Create(), DesensitizeStage.Create(new DesensitizeOptions { Key = s_key })], threads: 2);

        Assert.Equal(4, output.Count);
        AssertNone(output, s_defaultCanaries);
        Assert.Equal(0, result.Counters.Rejected);
    }

    [Fact]
    public async Task StrictProfile_NothingSurvives()
    {
        (List<string> output, _) = await RunAsync(Events(),
            [DecodeBrowserEventStage.Create(), DesensitizeStage.Create(new DesensitizeOptions { Key = s_key, Profile = DesensitizeProfile.Strict })], threads: 2);

        AssertNone(output, [.. s_defaultCanaries, .. s_strictCanaries, "7946", "010-9999"]);
    }

    [Fact]
    public async Task DesensitizeAlone_StillHandlesStringEvents()
    {
        (List<string> output, _) = await RunAsync(Events(), [DesensitizeStage.Create(new DesensitizeOptions { Key = s_key, Profile = DesensitizeProfile.Strict })]);

        AssertNone(output, [.. s_defaultCanaries, .. s_strictCanaries]);
    }

    [Fact]
    public async Task SequentialPseudonyms_NothingSurvives()
    {
        (List<string> output, _) = await RunAsync(Events(),
            [DecodeBrowserEventStage.Create(), DesensitizeStage.Create(new DesensitizeOptions { Pseudonyms = PseudonymScheme.Sequential, Profile = DesensitizeProfile.Strict })], threads: 4);

        AssertNone(output, [.. s_defaultCanaries, .. s_strictCanaries]);
        Assert.Contains("\"username\":\"a\"", output[0], StringComparison.Ordinal);
        Assert.Contains("\"username\":\"b\"", output[1], StringComparison.Ordinal);
    }

    private static void AssertNone(List<string> output, string[] canaries)
    {
        foreach (string line in output)
        {
            foreach (string canary in canaries)
            {
                Assert.False(line.Contains(canary, StringComparison.Ordinal), $"'{canary}' survived in: {line}");
            }
        }
    }
}
