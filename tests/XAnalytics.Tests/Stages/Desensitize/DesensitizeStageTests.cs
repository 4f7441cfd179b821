using XAnalytics.Pipeline;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;
using static XAnalytics.Tests.Stages.StageHarness;

namespace XAnalytics.Tests.Stages.Desensitize;

public sealed class DesensitizeStageTests
{
    private static readonly PseudonymKey s_key = PseudonymKey.FromBytes("0123456789abcdef0123456789abcdef"u8);
    private static readonly PseudonymKey s_otherKey = PseudonymKey.FromBytes("fedcba9876543210fedcba9876543210"u8);

    private static DesensitizeOptions Keyed(DesensitizeProfile profile = DesensitizeProfile.Default) => new() { Key = s_key, Profile = profile };

    [Fact]
    public async Task Process_DefaultProfile_DropsFieldsAndPseudonymizesEveryUsername()
    {
        string p = s_key.Pseudonymize("u_alice");
        string q = s_key.Pseudonymize("u_bob");
        string output = await RunOneAsync(
            """
            {"username": "u_alice", "ip": "10.1.2.3", "agent": "Mozilla", "host": "h", "session": "s1", "user_id": 7, "page": "https://x/u/u_alice",
             "event_type": "/api/mobile/v0.5/users/u_alice/course_enrollments/",
             "context": {"username": "u_alice", "ip": "10.1.2.3", "user_id": 7, "agent": "A", "path": "/api/user/v1/accounts/u_bob?x=1", "course_id": "c"},
             "event": {"username": "u_bob", "user": "u_bob", "csrfmiddlewaretoken": "t", "session": "s", "deep": [{"username": "u_bob", "n": 1}], "id": "x"}}
            """.ReplaceLineEndings(" "),
            DesensitizeStage.Create(Keyed()));

        AssertJson($$"""
            {"username": "{{p}}", "page": "https://x/u/{{p}}",
             "event_type": "/api/mobile/v0.5/users/{{p}}/course_enrollments/",
             "context": {"username": "{{p}}", "path": "/api/user/v1/accounts/{{q}}?x=1", "course_id": "c"},
             "event": {"username": "{{q}}", "user": "{{q}}", "deep": [{"username": "{{q}}", "n": 1}], "id": "x"} }
            """, output);
    }

    [Theory]
    [InlineData(PseudonymScheme.Keyed)]
    [InlineData(PseudonymScheme.Sequential)]
    public async Task Process_LoneSurrogates_DistinctLearnersKeepDistinctPseudonyms(PseudonymScheme scheme)
    {
        // A cut emoji leaves a lone surrogate escape; decoding each to U+FFFD would merge three learners into one.
        string[] lines =
        [
            """{"username": "x\ud800", "event": {"student": "x\ud800"}}""",
            """{"username": "x\udbff", "event": {"student": "x\udbff"}}""",
            """{"username": "x\udc00", "event": {"student": "x\udc00"}}""",
            """{"username": "x\ufffd", "event": {"student": "x\ufffd"}}""",
            """{"username": "x\ud800", "event": {"student": "x\ud800"}}""",
        ];
        var options = new DesensitizeOptions { Pseudonyms = scheme, Key = scheme == PseudonymScheme.Keyed ? s_key : null };
        (List<string> output, _) = await RunAsync(lines, [DesensitizeStage.Create(options)]);

        string[] names = [.. output.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("username").GetString()!)];
        string[] students = [.. output.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("event").GetProperty("student").GetString()!)];
        Assert.Equal(4, names.Take(4).Distinct().Count());
        Assert.Equal(names[0], names[4]);
        Assert.Equal(names, students);
        Assert.All(names, n => Assert.DoesNotContain("\\u", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Process_UsernamesHiddenByEscapesOrInUnnamedFields_StillPseudonymized()
    {
        // The default profile copies top-level values it has no rule for without reading them, unless their bytes
        // could hold a username: escaped slashes or an escaped key must still be read and replaced.
        string p = s_key.Pseudonymize("u_erin");
        string output = await RunOneAsync(
            """
            {"referer": "https:\/\/x\/u\/u_erin", "extra": {"\u0075sername": "u_erin", "n": 2}, "note": "\/api\/user\/v1\/accounts\/u_erin",
             "plain": {"a": [1, "b"]}, "time": "2015-03-01T10:00:00+00:00", "\u0075sername": "u_erin",
             "context": {"user_id": 5, "module": {"display_name": "Intro", "deep": [{"k": "v"}]}, "deep": {"inner": {"x": "https:\/\/h\/u\/u_erin", "list": [{"username": "u_erin"}]}}}}
            """.ReplaceLineEndings(" "),
            DesensitizeStage.Create(Keyed()));

        AssertJson($$"""
            {"referer": "https://x/u/{{p}}", "extra": {"username": "{{p}}", "n": 2}, "note": "/api/user/v1/accounts/{{p}}",
             "plain": {"a": [1, "b"]}, "time": "2015-03-01T10:00:00+00:00", "username": "{{p}}",
             "context": {"module": {"display_name": "Intro", "deep": [{"k": "v"}]}, "deep": {"inner": {"x": "https://h/u/{{p}}", "list": [{"username": "{{p}}"}] } } } }
            """, output);
        Assert.DoesNotContain("u_erin", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_PercentEncodedUsernameInUrl_SamePseudonymAsTheField()
    {
        string p = s_key.Pseudonymize("José");
        string output = await RunOneAsync(
            """{"username": "José", "page": "https://x/u/Jos%C3%A9", "event_type": "/api/user/v1/accounts/Jos%c3%a9"}""",
            DesensitizeStage.Create(Keyed()));

        AssertJson($$"""{"username": "{{p}}", "page": "https://x/u/{{p}}", "event_type": "/api/user/v1/accounts/{{p}}"}""", output);
    }

    [Fact]
    public async Task Process_StringEvent_DecodedThenDesensitized()
    {
        string p = s_key.Pseudonymize("u_carol");
        string output = await RunOneAsync(
            """{"username": "u_carol", "event": "{\"username\": \"u_carol\", \"session\": \"abc\", \"id\": 3}"}""",
            DesensitizeStage.Create(Keyed()));

        AssertJson($$"""{"username": "{{p}}", "event": {"username": "{{p}}", "id": 3} }""", output);
    }

    [Fact]
    public async Task Process_UndecodableStringEvent_NulledWhenItMentionsAUsername()
    {
        (List<string> output, _) = await RunAsync(
            [
                """{"event": "username=u_dave&x=1"}""",
                """{"event": "{\"session\": \"cut at 512"}""",
                """{"event": "id=block-v1:OrgX+C1+2015_T1&new=2"}""",
            ],
            [DesensitizeStage.Create(Keyed())]);

        AssertJson("""{"event": null}""", output[0]);
        AssertJson("""{"event": null}""", output[1]);
        Assert.Equal("""{"event": "id=block-v1:OrgX+C1+2015_T1&new=2"}""", output[2]);
    }

    [Fact]
    public async Task Process_StrictProfile_DropsMoreAndScrubsContacts()
    {
        string output = await RunOneAsync(
            """
            {"username": "", "page": "p", "referer": "r", "accept_language": "en", "time": "2015-03-01T10:00:00.123456+00:00",
             "context": {"path": "/x", "client_id": "c", "course_id": "course-v1:OrgX+C1+2015_T1"},
             "event": {"GET": {}, "POST": {"a": ["b"]}, "url": "u", "body": "Mail me at jane.doe+x@example.co.uk or call +1 (555) 123-4567, 555-123-4567. Due 2015-03-01, pi 3.14159265, id 12345678."}}
            """.ReplaceLineEndings(" "),
            DesensitizeStage.Create(Keyed(DesensitizeProfile.Strict)));

        AssertJson("""
            {"username": "", "time": "2015-03-01T10:00:00.123456+00:00",
             "context": {"course_id": "course-v1:OrgX+C1+2015_T1"},
             "event": {"body": "Mail me at <email> or call <phone>, <phone>. Due 2015-03-01, pi 3.14159265, id 12345678."}}
            """, output);
    }

    [Fact]
    public async Task Process_ExtraAndKeptFields()
    {
        string output = await RunOneAsync(
            """{"ip": "1.2.3.4", "agent": "a", "event": {"answer": "x", "id": 1}}""",
            DesensitizeStage.Create(Keyed() with { DropFields = ["event.answer"], KeepFields = ["agent"] }));

        AssertJson("""{"agent": "a", "event": {"id": 1}}""", output);
    }

    [Fact]
    public async Task Process_NothingToChange_EventUntouched()
    {
        const string line = """{"event_type":  "x", "event": {"id": 1}}""";

        (List<string> output, RunResult result) = await RunAsync([line], [DesensitizeStage.Create(Keyed())]);

        Assert.Equal(line, Assert.Single(output));
        Assert.Equal(0, result.Counters.Stages[DesensitizeStage.Name].Changed);
    }

    [Fact]
    public void Create_KeyedWithoutKey_ThrowsClearly()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => DesensitizeStage.Create(new DesensitizeOptions()));
        Assert.Contains("pseudonym key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyedPseudonyms_StableAcrossRunsAndThreads_DifferentPerKey()
    {
        string[] lines = [.. Enumerable.Range(0, 3000).Select(i => $$"""{"username": "u_{{i % 97}}", "n": {{i}}}""")];

        (List<string> one, _) = await RunAsync(lines, [DesensitizeStage.Create(Keyed())], threads: 1, batchEvents: 64, files: 3);
        (List<string> four, _) = await RunAsync(lines, [DesensitizeStage.Create(Keyed())], threads: 4, batchEvents: 64, files: 3);
        (List<string> other, _) = await RunAsync(lines, [DesensitizeStage.Create(new DesensitizeOptions { Key = s_otherKey })], threads: 4, batchEvents: 64, files: 3);

        Assert.Equal(one, four);
        Assert.Contains(s_key.Pseudonymize("u_5"), one[5], StringComparison.Ordinal);
        Assert.Equal(26, s_key.Pseudonymize("u_5").Length);
        Assert.Matches("^[a-z2-7]{26}$", s_key.Pseudonymize("u_5"));
        Assert.NotEqual(s_key.Pseudonymize("u_5"), s_otherKey.Pseudonymize("u_5"));
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.NotEqual(one[i], other[i]);
        }
    }

    [Fact]
    public async Task SequentialPseudonyms_FirstSeenOrder_SameWithOneOrFourThreads()
    {
        string[] lines = [.. Enumerable.Range(0, 3000).Select(i => $$"""{"username": "u_{{(i * 7919) % 701}}", "event_type": "/api/mobile/v0.5/users/u_{{(i % 5) + 1000}}/x", "n": {{i}}}""")];
        var options = new DesensitizeOptions { Pseudonyms = PseudonymScheme.Sequential };

        (List<string> one, _) = await RunAsync(lines, [DesensitizeStage.Create(options)], threads: 1, batchEvents: 64, files: 3);
        (List<string> four, _) = await RunAsync(lines, [DesensitizeStage.Create(options)], threads: 4, batchEvents: 64, files: 3);

        Assert.Equal(one, four);
        AssertJson("""{"username": "a", "event_type": "/api/mobile/v0.5/users/b/x", "n": 0}""", one[0]);
        Assert.Contains("\"username\":\"aa\"", string.Join('\n', one), StringComparison.Ordinal); // the 27th user
    }

    [Fact]
    public void SequentialTokens_BijectiveBase26()
    {
        var names = new[] { 0L, 1, 25, 26, 27, 51, 52, 701, 702 }.Select(n => System.Text.Encoding.ASCII.GetString(TokenOf(n)));
        Assert.Equal(["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"], names);
    }

    private static byte[] TokenOf(long n)
    {
        Type t = typeof(DesensitizeStage).GetNestedType("SequentialNames", System.Reflection.BindingFlags.NonPublic)!;
        return (byte[])t.GetMethod("Token", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.Invoke(null, [n])!;
    }
}

public sealed class StageRobustnessTests
{
    [Fact]
    public async Task AllRewritingStages_LineWithByteOrderMarkAndCarriageReturn_Handled()
    {
        string[] lines = ["\uFEFF{\"username\": \"u_bom\", \"ip\": \"1.2.3.4\", \"context\": {\"username\": \"u_bom\"}, \"event\": \"{\\\"a\\\": \\\"xxxxxxxxxxxx\\\"}\"}\r"];
        IEventStage[] stages =
        [
            DecodeBrowserEventStage.Create(),
            RemoveRedundantStage.Create(),
            TruncateStage.Create(new TruncateOptions { MaxLength = 5 }),
            DesensitizeStage.Create(new DesensitizeOptions { Key = PseudonymKey.FromBytes(new byte[16]) }),
        ];

        (List<string> output, RunResult result) = await RunAsync(lines, stages);

        string p = PseudonymKey.FromBytes(new byte[16]).Pseudonymize("u_bom");
        AssertJson($$"""{"username": "{{p}}", "event": {"a": null} }""", Assert.Single(output));
        Assert.Equal(0, result.Counters.Rejected);
    }

    [Fact]
    public async Task AllRewritingStages_LoneSurrogateEscapes_DoNotFaultTheRun()
    {
        string[] lines =
        [
            """{"username": "u_\ud83d", "t": "long text with a cut emoji \ud83d", "event": "{\"a\": \"x\\ud83d\", \"session\": \"s\"}"}""",
            """{"username": "u_ok", "t": "x"}""",
        ];
        IEventStage[] stages =
        [
            DecodeBrowserEventStage.Create(),
            RemoveRedundantStage.Create(),
            TruncateStage.Create(new TruncateOptions { MaxLength = 5 }),
            DesensitizeStage.Create(new DesensitizeOptions { Key = PseudonymKey.FromBytes(new byte[16]), Profile = DesensitizeProfile.Strict }),
        ];

        (List<string> output, RunResult result) = await RunAsync(lines, stages);

        Assert.Equal(2, output.Count);
        Assert.True(result.Counters.IsBalanced);
        Assert.DoesNotContain("session", output[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterAndSelect_LoneSurrogateInKeysAndValues_DoNotFaultTheRun()
    {
        string[] lines =
        [
            """{"k\ud83d": 1, "username": "u_\ud83d", "event": {"x\ud83d": 2}}""",
            """{"username": "u_ok", "event": {"a": 1}}""",
        ];

        (List<string> output, RunResult result) = await RunAsync(lines,
            [FilterStage.Create(new FilterOptions { Users = ["u_ok", "u_\uFFFD"], Where = [FieldCondition.Parse("event.a=1")] })]);

        Assert.Single(output);
        Assert.Equal(1, result.Counters.Filtered);
    }
}
