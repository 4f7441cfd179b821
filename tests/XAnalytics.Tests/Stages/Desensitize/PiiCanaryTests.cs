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

    // One event per edX event type that names a learner (edx-platform's tracking events, edx-analytics-pipeline's
    // obfuscation; see /work/notes/pii-fields.md), each with its own made-up identifier. User ids are written
    // with the digits 0, 1, 8 and 9, which no base32 pseudonym holds, so a hit is always a leak.
    private static readonly (string Type, string Canary, string Line)[] s_catalogue =
    [
        ("edx.forum.thread.voted", "canary_learner_01", """{"username": "canary_actor_00", "event_type": "edx.forum.thread.voted", "event": {"target_username": "canary_learner_01", "vote_value": "up", "url": "https://h.example/courses/c/discussion/forum/users/9180901"}}"""),
        ("edx.forum.thread.viewed", "canary_learner_02", """{"username": "canary_actor_00", "event_type": "edx.forum.thread.viewed", "event": {"target_username": "canary_learner_02", "id": "t1"}}"""),
        ("edx.bi.app.navigation.screen (mobile forum view)", "canary_learner_03", """{"username": "canary_actor_00", "event_type": "edx.bi.app.navigation.screen", "event": {"author": "canary_learner_03", "thread_id": "t1"}}"""),
        ("edx.user.settings.changed name", "Canary Fullname", """{"username": "canary_actor_00", "event_type": "edx.user.settings.changed", "event": {"old": "Canary Fullname Old", "new": "Canary Fullname New", "setting": "name", "table": "auth_userprofile", "user_id": 9180904, "truncated": []}}"""),
        ("edx.user.settings.changed username", "canary_learner_05", """{"username": "canary_actor_00", "event_type": "edx.user.settings.changed", "event": {"setting": "username", "old": "canary_learner_05", "new": "canary_learner_05b", "table": "auth_user", "user_id": 9180905}}"""),
        ("edx.user.settings.changed email", "canary.mail.06@example.org", """{"username": "canary_actor_00", "event_type": "edx.user.settings.changed", "event": {"setting": "email", "old": "canary.mail.06@example.org", "new": null, "table": "auth_user", "user_id": 9180906}}"""),
        ("edx.course.enrollment.activated", "9180907", """{"username": "anonymous", "event_type": "edx.course.enrollment.activated", "event": {"course_id": "c", "user_id": 9180907, "mode": "honor"}, "context": {"user_id": 9180907}}"""),
        ("problem_rescore (task)", "canary_learner_08", """{"username": "canary_actor_00", "event_source": "task", "event_type": "problem_rescore", "event": {"student": "canary_learner_08", "task_id": "x", "success": "correct"}}"""),
        ("get-student-progress-page", "canary_learner_09", """{"username": "canary_actor_00", "event_type": "get-student-progress-page", "event": {"student": "canary_learner_09", "instructor": "canary_staff_09", "course": "c"}}"""),
        ("edx.bookmark.added", "canary_learner_10", """{"username": "canary_learner_10", "event_type": "edx.bookmark.added", "event": {"bookmark_id": "canary_learner_10,block-v1:O+C+R+type@vertical+block@v1", "component_type": "vertical"}}"""),
        ("submission_history (implicit)", "canary_learner_11", """{"username": "canary_actor_00", "event_source": "server", "event_type": "/courses/c/submission_history/canary_learner_11/block-v1:O+C+R+type@problem+block@p1", "event": "{\"POST\": {}, \"GET\": {}}"}"""),
        ("/accounts/login next", "canary_learner_12", """{"username": "", "event_source": "server", "event_type": "/accounts/login", "page": "https://h.example/login?next=%2Fu%2Fcanary_learner_12", "event": "{\"POST\": {}, \"GET\": {\"next\": [\"/u/canary_learner_12\"]}}"}"""),
        ("discussion users ?user=", "canary_learner_13", """{"username": "canary_actor_00", "event_source": "server", "event_type": "/api/enrollment/v1/enrollment?user=canary_learner_13", "event": "{\"POST\": {}, \"GET\": {\"user\": [\"canary_learner_13\"]}}"}"""),
        ("/create_account POST", "Canary Registrant", """{"username": "", "event_source": "server", "event_type": "/create_account", "event": "{\"POST\": {\"username\": [\"canary_learner_14\"], \"name\": [\"Canary Registrant\"], \"email\": [\"canary.mail.14@example.org\"], \"password\": \"********\", \"confirm_password\": [\"canary-secret-14\"], \"mailing_address\": [\"Canary Street 14\"]}, \"GET\": {}}"}"""),
        ("segment identify traits", "canary.mail.15@example.org", """{"type": "identify", "userId": "9180915", "traits": {"email": "canary.mail.15@example.org", "username": "canary_learner_15", "name": "Canary Segment Name"}, "context": {"traits": {"email": "canary.mail.15@example.org", "username": "canary_learner_15"}}}"""),
        ("edx.grades.problem.rescored", "9180916", """{"username": "canary_actor_00", "event_type": "edx.grades.problem.rescored", "event": {"user_id": "9180916", "instructor_id": 9180917, "problem_id": "p"}}"""),
        ("edx.special_exam.timed.attempt.started", "canary-attempt-code-18", """{"username": "canary_actor_00", "event_type": "edx.special_exam.timed.attempt.started", "event": {"attempt_user_id": 9180918, "attempt_code": "canary-attempt-code-18", "exam_id": 1}}"""),
        ("edx.special_exam.proctored.allowance.created", "9180919", """{"username": "canary_actor_00", "event_type": "edx.special_exam.proctored.allowance.created", "event": {"allowance_user_id": 9180919, "allowance_key": "additional_time_granted"}}"""),
        ("edx.cohort.user_added", "9180920", """{"username": "canary_actor_00", "event_type": "edx.cohort.user_added", "event": {"user_id": 9180920, "cohort_id": 1, "cohort_name": "A"}}"""),
        ("add-instructor", "canary_learner_21", """{"username": "canary_actor_00", "event_type": "add-instructor", "event": {"instructor": "canary_learner_21"}}"""),
        ("add-or-remove-user-group", "canary_learner_22", """{"username": "canary_actor_00", "event_type": "add-or-remove-user-group", "event": {"user": "canary_learner_22", "event_name": "beta-tester", "event": "add"}}"""),
        ("edx.certificate.created", "9180923", """{"username": "canary_actor_00", "event_type": "edx.certificate.created", "event": {"user_id": 9180923, "certificate_url": "https://h.example/certificates/user/9180923/course/c", "certificate_id": "canary-cert-23", "enrollment_mode": "verified"}}"""),
        ("/api/user/v1/accounts (implicit)", "canary_learner_24", """{"username": "canary_actor_00", "event_source": "server", "event_type": "/api/user/v1/accounts/canary_learner_24", "context": {"path": "/api/user/v1/accounts/canary_learner_24"}, "event": "{\"POST\": {}, \"GET\": {}}"}"""),
        ("/api/profile_images upload", "canary_learner_25", """{"username": "canary_actor_00", "event_source": "server", "event_type": "/api/profile_images/v1/canary_learner_25/upload", "event": "{\"POST\": {}, \"GET\": {}}"}"""),
        ("student_progress (implicit)", "9180926", """{"username": "canary_actor_00", "event_source": "server", "event_type": "/courses/c/progress/9180926/", "event": "{\"POST\": {}, \"GET\": {}}"}"""),
        ("openassessmentblock.create_submission", "canary-anon-27", """{"username": "canary_actor_00", "event_type": "openassessmentblock.create_submission", "event": {"requesting_student_id": "canary-anon-27", "scorer_id": "canary-anon-27", "answer": {"file_upload_key": "canary-anon-27/key", "parts": []}}}"""),
        ("browser event with user_id (string payload)", "canary_learner_28", """{"username": "canary_learner_28", "event_source": "browser", "event_type": "edx.bookmark.accessed", "event": "{\"username\": \"canary_learner_28\", \"user_id\": 9180928, \"bookmark_id\": \"canary_learner_28,block-v1:O+C+R+type@vertical+block@v\"}"}"""),
        ("legacy_instructor_dash POST", "canary_learner_29", """{"username": "canary_actor_00", "event_source": "server", "event_type": "/courses/c/legacy_instructor_dash", "event": "{\"POST\": {\"unique_student_identifier\": [\"canary_learner_29\"], \"staffuser\": [\"canary_learner_29\"], \"betausers\": [\"canary_learner_29\"], \"csrfmiddlewaretoken\": [\"canary-csrf-29\"]}, \"GET\": {}}"}"""),
        ("edx.grades.problem.state_deleted", "9180930", """{"username": "canary_actor_00", "event_type": "edx.grades.problem.state_deleted", "event": {"user_id": 9180930, "instructor_id": 9180931, "problem_id": "p"}}"""),
    ];

    // Every identifier the catalogue plants, beyond each event's own canary.
    private static readonly string[] s_catalogueCanaries =
    [
        "canary_actor_00", "canary_learner_", "canary_staff_", "Canary Fullname", "canary.mail.", "canary-secret-14", "Canary Registrant", "Canary Street",
        "Canary Segment Name", "canary-attempt-code", "canary-cert-23", "canary-anon-27", "canary-csrf-29",
        "9180901", "9180904", "9180905", "9180906", "9180907", "9180915", "9180916", "9180917", "9180918", "9180919", "9180920",
        "9180923", "9180926", "9180928", "9180930", "9180931",
    ];

    public static TheoryData<string, DesensitizeProfile, PseudonymScheme> CatalogueCases()
    {
        var data = new TheoryData<string, DesensitizeProfile, PseudonymScheme>();
        foreach ((string type, _, _) in s_catalogue)
        {
            foreach (DesensitizeProfile profile in Enum.GetValues<DesensitizeProfile>())
            {
                data.Add(type, profile, PseudonymScheme.Keyed);
            }

            data.Add(type, DesensitizeProfile.Default, PseudonymScheme.Sequential);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CatalogueCases))]
    public async Task EdxCatalogue_OneEventPerType_NoIdentifierSurvives(string type, DesensitizeProfile profile, PseudonymScheme scheme)
    {
        (_, string canary, string line) = s_catalogue.Single(e => e.Type == type);
        var options = new DesensitizeOptions { Profile = profile, Pseudonyms = scheme, Key = scheme == PseudonymScheme.Keyed ? s_key : null };
        (List<string> output, RunResult result) = await RunAsync([line], [DesensitizeStage.Create(options)]);

        Assert.Single(output);
        Assert.Equal(0, result.Counters.Rejected);
        Assert.DoesNotContain(canary, output[0], StringComparison.Ordinal);
        AssertNone(output, s_catalogueCanaries);
    }

    [Fact]
    public async Task EdxCatalogue_AllTogether_BothProfiles_NothingSurvivesAndNothingIsLost()
    {
        string[] lines = [.. s_catalogue.Select(e => e.Line)];
        foreach (DesensitizeProfile profile in Enum.GetValues<DesensitizeProfile>())
        {
            (List<string> output, RunResult result) = await RunAsync(lines,
                [DecodeBrowserEventStage.Create(), DesensitizeStage.Create(new DesensitizeOptions { Key = s_key, Profile = profile })], threads: 2);

            Assert.Equal(lines.Length, output.Count);
            Assert.Equal(0, result.Counters.Rejected);
            AssertNone(output, s_catalogueCanaries);
        }
    }

    [Fact]
    public async Task EdxCatalogue_IdentifiersShareTheUsernamesPseudonym()
    {
        // A learner named in target_username, student or bookmark_id is the same learner as in username.
        string p = s_key.Pseudonymize("canary_learner_10");
        string output = string.Join("\n", (await RunAsync(
            [s_catalogue.Single(e => e.Type == "edx.bookmark.added").Line,
             """{"username": "x", "event_type": "edx.forum.thread.voted", "event": {"target_username": "canary_learner_10"}}"""],
            [DesensitizeStage.Create(new DesensitizeOptions { Key = s_key })])).Lines);

        Assert.Equal(3, CountOf(output, p));
        Assert.Contains($"\"{p},block-v1:O+C+R+type@vertical+block@v1\"", output, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
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
