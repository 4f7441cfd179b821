using XAnalytics.Events;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// How the reports read <c>context.course_id</c> and <c>context.user_id</c>: from the fast path's index of the context
/// object, or with <c>Utf8JsonReader</c> when a key is escaped. Both must agree, and agree with
/// <see cref="EventBatch.TryGetField"/> (last duplicate wins).
/// </summary>
public sealed class EventFactsContextTests
{
    private const string Time = "\"time\":\"2015-03-01T00:10:27.566487+00:00\"";

    [Theory]
    // Plain, and with white space as Python's json.dumps writes it.
    [InlineData("{\"user_id\":42,\"course_id\":\"course-v1:OrgX+C1+2015\"}", "course-v1:OrgX+C1+2015", 42L)]
    [InlineData("{\"user_id\": 42, \"course_id\": \"course-v1:OrgX+C1+2015\", \"path\": \"/x\"}", "course-v1:OrgX+C1+2015", 42L)]
    // An escaped value is unescaped; a string of digits is the number.
    [InlineData("{\"course_id\":\"course-v1\\u003aOrgX+C1+2015\",\"user_id\":\"42\"}", "course-v1:OrgX+C1+2015", 42L)]
    [InlineData("{\"course_id\":\"course-v1:OrgX\\u002bC1+2015\",\"user_id\":7}", "course-v1:OrgX+C1+2015", 7L)]
    // Last duplicate wins; containers and non-strings are no course.
    [InlineData("{\"course_id\":\"course-v1:OrgX+A+2015\",\"user_id\":1,\"course_id\":\"course-v1:OrgX+B+2015\"}", "course-v1:OrgX+B+2015", 1L)]
    [InlineData("{\"course_id\":\"course-v1:OrgX+A+2015\",\"course_id\":{\"a\":1},\"user_id\":[2]}", null, 0L)]
    [InlineData("{\"course_id\":17,\"user_id\":null}", null, 0L)]
    [InlineData("{\"course_user_tags\":{},\"org_id\":\"OrgX\"}", null, 0L)]
    [InlineData("{}", null, 0L)]
    // Stripped as Python strips (normalize_course_id): U+001C and U+180E too.
    [InlineData("{\"course_id\":\"\\u001ccourse-v1:OrgX+C1+2015\\u180e\",\"user_id\":42}", "course-v1:OrgX+C1+2015", 42L)]
    // A user id keeps its text (edX's user activity keys by str(user_id)): 1.0 and " 7 " are not 1 and 7 (video reads
    // int() itself); 0 and 0.0 are no learner (edX: `if not user_id`).
    [InlineData("{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":1.0}", "course-v1:OrgX+C1+2015", -1L)]
    [InlineData("{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":\" 7 \"}", "course-v1:OrgX+C1+2015", -1L)]
    [InlineData("{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":0}", "course-v1:OrgX+C1+2015", 0L)]
    [InlineData("{\"course_id\":\"course-v1:OrgX+C1+2015\",\"user_id\":0.0}", "course-v1:OrgX+C1+2015", 0L)]
    // Escaped keys go to the reader, with the same answers.
    [InlineData("{\"course\\u005fid\":\"course-v1:OrgX+C1+2015\",\"user_id\":42}", "course-v1:OrgX+C1+2015", 42L)]
    [InlineData("{\"course_id\":\"course-v1:OrgX+A+2015\",\"user\\u005fid\":5,\"course\\u005fid\":\"course-v1:OrgX+B+2015\"}", "course-v1:OrgX+B+2015", 5L)]
    [InlineData("{\"course\\u005fid\":\"course-v1:OrgX+A+2015\",\"course_id\":{\"a\":1},\"user_id\":\"x\"}", null, -1L)]
    public void Read_Context_CourseAndUser(string context, string? course, long user)
    {
        string line = $"{{{Time},\"event_type\":\"play_video\",\"event_source\":\"browser\",\"context\":{context}}}";
        AssertContext(Batches.Parse(line), course, user);
        AssertContext(Batches.ParseIndexingContext(line), course, user); // the parse's index of the context, as reports run
    }

    /// <summary>
    /// A usage key in <c>context.course_id</c> is no course key to edX (<c>is_valid_course_id</c>), so the tables that take
    /// only a context's course (problems, forum) leave the event out; the others still find its course as the engine's
    /// resolver does.
    /// </summary>
    [Theory]
    [InlineData("block-v1:OrgX+C1+2015+type@problem+block@p1", "course-v1:OrgX+C1+2015")]
    [InlineData("i4x://OrgX/C1/problem/p1", "OrgX/C1")]
    [InlineData("course-v1:OrgX+C1+2015", null)]
    public void Read_UsageKeyAsContextCourse_NotTheContextsCourse(string id, string? resolved)
    {
        string line = $"{{{Time},\"event_type\":\"problem_check\",\"event_source\":\"server\",\"context\":{{\"course_id\":\"{id}\",\"user_id\":1}}}}";
        foreach (EventBatch batch in new[] { Batches.Parse(line), Batches.ParseIndexingContext(line) })
        {
            using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
            EventFact fact = facts.Read(batch)[0];
            Assert.Equal(resolved is null, fact.CourseInContext);
            Assert.Equal(resolved is not null, fact.ContextCourseInvalid); // video and module engagement read this
            Assert.True(fact.Course >= 0);
            if (resolved is not null)
            {
                Assert.StartsWith(resolved, facts.Courses.Name(fact.Course), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task GeneratedAndRealEvents_SameFacts_WithOrWithoutTheParsesContextIndex()
    {
        using var dir = new TempDir();
        string archive = dir.PathOf("archive");
        await TestArchives.GenerateAsync(archive, events: 3_000, files: 1, courses: 3, learners: 100, days: 2);
        List<string> lines = TestArchives.ReadLines(Directory.GetFiles(archive, "*.gz", SearchOption.AllDirectories));
        if (Corpus.Directory is not null)
        {
            lines.AddRange(TestArchives.ReadLines(Corpus.Files));
        }

        int compared = 0, indexed = 0;
        for (int start = 0; start < lines.Count; start += 1_000)
        {
            string[] slice = [.. lines.Skip(start).Take(1_000)];
            using var plainFacts = new EventFacts(new ReportFilter(null, null, []), readIp: true);
            using var indexedFacts = new EventFacts(new ReportFilter(null, null, []), readIp: true);
            EventBatch plain = Batches.Parse(slice);
            EventBatch withIndex = Batches.ParseIndexingContext(slice);
            EventFact[] expected = plainFacts.Read(plain).ToArray();
            EventFact[] actual = indexedFacts.Read(withIndex).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[i]);
                Assert.Equal(
                    expected[i].Course < 0 ? null : plainFacts.Courses.Name(expected[i].Course),
                    actual[i].Course < 0 ? null : indexedFacts.Courses.Name(actual[i].Course));
                indexed += withIndex.TryGetContextMembers(i, EventBatch.FindTopField(withIndex.GetUtf8(i), withIndex.GetTopFields(i, out _), "context"u8), out _) ? 1 : 0;
            }

            compared += expected.Length;
        }

        Assert.True(compared > 2_900, $"only {compared} events");
        Assert.True(indexed > compared * 0.9, $"only {indexed} of {compared} events had their context indexed");
    }

    private static void AssertContext(EventBatch batch, string? course, long user)
    {
        using var facts = new EventFacts(new ReportFilter(null, null, []), readIp: false);
        EventFact fact = facts.Read(batch)[0];

        Assert.True(fact.Kept);
        if (course is null)
        {
            Assert.Equal(-1, fact.Course);
        }
        else
        {
            // Written as the event wrote it (every id here is in the course-v1 form).
            Assert.True(CourseKey.TryParse(course, out _));
            Assert.Equal(course, facts.Courses.Name(fact.Course));
        }

        if (user >= 0)
        {
            Assert.Equal(user, fact.User);
        }
        else
        {
            // A non-numeric id is hashed into the upper half, where no real id is.
            Assert.True(fact.User >= 0x4000_0000_0000_0000L);
        }
    }
}
