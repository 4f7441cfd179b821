using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Tests.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Events;

/// <summary>
/// Fields below the top level (<c>context.course_id</c>, <c>event.user_id</c>...), found through the fast JSON path's
/// index of each object on the way, or with <c>Utf8JsonReader</c> where the fast path is unsure: edge cases, then
/// every nested member of real and generated events against <see cref="JsonDocument"/>.
/// </summary>
public sealed class NestedFieldTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-nested-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("{\"context\":{\"course_id\":\"a\"}}", "context.course_id", "\"a\"")]
    [InlineData("{\"context\" : { \"user_id\" : 42 , \"course_id\" : \"a\" } }", "context.user_id", "42")]
    [InlineData("{\"context\":{\"course\\u005fid\":\"a\"}}", "context.course_id", "\"a\"")] // an escaped key
    [InlineData("{\"context\":{\"course_id\":\"a\",\"course_id\":\"b\"}}", "context.course_id", "\"b\"")] // last wins
    [InlineData("{\"context\":{\"course_id\":\"a\",\"course\\u005fid\":\"b\"}}", "context.course_id", "\"b\"")]
    [InlineData("{\"context\":{\"module\":{\"display_name\":\"x\\\"y\",\"usage_key\":null}}}", "context.module.display_name", "\"x\\\"y\"")]
    [InlineData("{\"context\":{\"module\":{\"display_name\":\"x\"}}}", "context.module", "{\"display_name\":\"x\"}")]
    [InlineData("{\"context\":{\"course_id\":\"a\"},\"context\":{\"course_id\":\"b\"}}", "context.course_id", "\"b\"")] // the last context
    [InlineData("{\"context\":{\"course_id\":\"a\"},\"context\":\"x\"}", "context.course_id", null)] // the last is a string
    [InlineData("{\"context\":{\"course_id\":\"a\"},\"cont\\u0065xt\":{\"course_id\":\"c\"}}", "context.course_id", "\"c\"")] // the last, escaped
    [InlineData("{\"context\":{\"a\":[{\"course_id\":\"x\"}],\"m\":{\"course_id\":\"z\"},\"course_id\":\"y\"}}", "context.course_id", "\"y\"")]
    [InlineData("{\"context\":{\"m\":{\"course_id\":\"z\"}}}", "context.course_id", null)]
    [InlineData("{\"context\":{}}", "context.course_id", null)]
    [InlineData("{\"context\":{\"a\":[1,2],\"b\":{\"c\":[]},\"d\":null,\"e\":-1}}", "context.b", "{\"c\":[]}")]
    [InlineData("{\"context\":{\"a\":[1,2],\"b\":{\"c\":[]},\"d\":null,\"e\":-1}}", "context.e", "-1")]
    [InlineData("{\"event\":{\"a\":[1,{\"b\":2}],\"b\":true}}", "event.b", "true")]
    [InlineData("{\"event\":{\"a\":[1,{\"b\":2}]}}", "event.a", "[1,{\"b\":2}]")]
    [InlineData("{\"event\":{\"a\":[1,{\"b\":2}]}}", "event.a.b", null)] // through an array
    [InlineData("{\"event\":\"{\\\"a\\\":1}\"}", "event.a", "1")] // through a string holding an object (a browser event)
    [InlineData("{\"event\":\"{\\\"a\\\":{\\\"b\\\":\\\"x\\\\\\\"y\\\"}}\"}", "event.a.b", "\"x\\\"y\"")] // and on into its objects
    [InlineData("{\"event\":\"{\\\"a\\\":\\\"{\\\\\\\"b\\\\\\\":2}\\\"}\"}", "event.a.b", "2")] // a string in a string
    [InlineData("{\"event\":\"{\\\"a\\\":1\"}", "event.a", null)] // cut short: no fields
    [InlineData("{\"event\":\"{\\\"a\\\":1}}\"}", "event.a", null)] // not one value
    [InlineData("{\"event\":\"a=1&b=2\"}", "event.a", null)] // a query string
    [InlineData("{\"event\":\"[{\\\"a\\\":1}]\"}", "event.a", null)] // an array
    [InlineData("{\"event\":\"{}\"}", "event.a", null)]
    [InlineData("{\"event\":\" {\\\"a\\\":true} \"}", "event.a", "true")] // white space around it
    [InlineData("{\"event\":{\"a\":1}}", "event.b", null)]
    [InlineData("{\"event\":{}}", "event.a", null)]
    [InlineData("{\"event\":{\"a\":{\"b\":{\"c\":-1.5e3}}}}", "event.a.b.c", "-1.5e3")]
    [InlineData("{\"event\":{\"a\":{\"b\":{\"c\":1}}}}", "event:a:b", "{\"c\":1}")]
    public void TryGetField_Nested_AsTheReaderReadsIt(string json, string path, string? raw)
    {
        // Parsed plainly, and with the context's members indexed by the parse: the same answer either way.
        foreach (EventBatch batch in (EventBatch[])[Batches.Parse(json), Batches.ParseIndexingContext(json)])
        {
            bool found = batch.TryGetField(0, FieldPath.Parse(path), out FieldValue value);
            Assert.Equal(raw is not null, found);
            if (raw is not null)
            {
                Assert.Equal(raw, Encoding.UTF8.GetString(value.RawJson));
            }
        }
    }

    [Fact]
    public void ContextMembers_RecordedByTheParse_OnlyForTheLastContextObject_AndDroppedWhenTheEventIsRewritten()
    {
        Assert.False(Batches.Parse("{\"context\":{\"course_id\":\"c\"}}").TryGetContextMembers(0, 0, out _)); // only when asked
        EventBatch batch = Batches.ParseIndexingContext(
            "{\"username\":\"u\",\"context\":{\"course_id\":\"c\",\"user_id\":7}}",
            "{\"context\":{\"course_id\":\"a\"},\"context\":\"x\"}",
            "{\"context\":\"x\"}",
            "{\"context\":{\"course_id\":\"a\"},\"page\":null,\"context\":{\"user_id\":1}}");

        Assert.True(batch.TryGetContextMembers(0, 1, out ReadOnlySpan<XAnalytics.Formats.TopField> members));
        Assert.Equal(2, members.Length);
        Assert.Equal("user_id", Encoding.UTF8.GetString(batch.GetUtf8(0).Slice(members[1].KeyOffset, members[1].KeyLength)));
        Assert.Equal("7", Encoding.UTF8.GetString(batch.GetUtf8(0).Slice(members[1].ValueOffset, members[1].ValueLength)));
        Assert.False(batch.TryGetContextMembers(0, 0, out _)); // asked for another field than the one recorded
        Assert.False(batch.TryGetContextMembers(1, 1, out _)); // the last context is a string
        Assert.False(batch.TryGetContextMembers(2, 0, out _));
        Assert.False(batch.TryGetContextMembers(3, 0, out _)); // the first of two objects: the last is the one
        Assert.True(batch.TryGetContextMembers(3, 2, out members));
        Assert.Equal(1, members.Length);

        // A stage that rewrites an event re-indexes it without the context's members: readers index it themselves.
        batch.SetUtf8(0, "{\"context\":{\"course_id\":\"d\"}}"u8);
        Assert.False(batch.TryGetContextMembers(0, 0, out _));
        Assert.True(batch.TryGetField(0, FieldPath.Parse("context.course_id"), out FieldValue course));
        Assert.Equal("d", course.GetString());
    }

    [Fact]
    public void TryGetField_ManyMembersAndDeepNesting_FoundThroughEitherPath()
    {
        // 100 members grow the index; nesting deeper than the fast path takes (63) sends the object to the reader.
        string many = string.Join(',', Enumerable.Range(0, 100).Select(static i => $"\"k{i}\":{i}"));
        string deep = new string('[', 70) + new string(']', 70);
        EventBatch batch = Batches.Parse(
            $"{{\"event\":{{{many}}}}}",
            $"{{\"event\":{{\"deep\":{deep},\"k7\":\"seven\"}}}}");

        Assert.True(batch.TryGetField(0, FieldPath.Parse("event.k99"), out FieldValue last));
        Assert.Equal("99", Encoding.UTF8.GetString(last.RawJson));
        Assert.True(batch.TryGetField(1, FieldPath.Parse("event.k7"), out FieldValue seven));
        Assert.Equal("seven", seven.GetString());
        Assert.False(batch.TryGetField(1, FieldPath.Parse("event.k8"), out _));
    }

    [SharedCorpusFact]
    public void SharedCorpus_EveryNestedMember_AsJsonDocumentFindsIt()
        => AssertEveryNestedMember(ReadEvents(Corpus.Files), minimumPaths: 5_000);

    [Fact]
    public async Task GeneratedEvents_EveryNestedMember_AsJsonDocumentFindsIt()
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 2_000, files: 1, courses: 2, learners: 50, days: 1);
        AssertEveryNestedMember(ReadEvents(Directory.GetFiles(archive, "*.gz", SearchOption.AllDirectories)), minimumPaths: 5_000);
    }

    /// <summary>Every member of every object two and three levels down, looked up by path, against JsonDocument.</summary>
    private static void AssertEveryNestedMember(List<string> events, int minimumPaths)
    {
        int checkedPaths = 0;
        for (int start = 0; start < events.Count; start += 500)
        {
            string[] slice = [.. events.Skip(start).Take(500)];
            foreach (EventBatch batch in (EventBatch[])[Batches.Parse(slice), Batches.ParseIndexingContext(slice)])
            {
                Assert.Equal(slice.Length, batch.Count);
                for (int i = 0; i < slice.Length; i++)
                {
                    using var doc = JsonDocument.Parse(slice[i]);
                    foreach (JsonProperty top in doc.RootElement.EnumerateObject())
                    {
                        checkedPaths += CheckMembers(batch, i, top.Name, top.Value, depth: 2);
                    }
                }
            }
        }

        Assert.True(checkedPaths >= minimumPaths, $"only {checkedPaths} nested paths in {events.Count} events");
    }

    private static int CheckMembers(EventBatch batch, int index, string path, JsonElement value, int depth)
    {
        if (value.ValueKind != JsonValueKind.Object || depth > 3 || (depth == 2 && !Addressable(path)))
        {
            return 0;
        }

        int checkedPaths = 0;
        foreach (JsonProperty member in value.EnumerateObject())
        {
            if (!Addressable(member.Name))
            {
                continue;
            }

            string childPath = path + "." + member.Name;
            JsonElement expected = LastMember(value, member.Name);
            Assert.True(batch.TryGetField(index, FieldPath.Parse(childPath), out FieldValue found), childPath);
            Assert.Equal(expected.GetRawText(), Encoding.UTF8.GetString(found.RawJson));
            checkedPaths++;
            checkedPaths += CheckMembers(batch, index, childPath, expected, depth + 1);
        }

        return checkedPaths;
    }

    /// <summary>True for a key a dotted field path can name (no separator, no white space a path would lose).</summary>
    private static bool Addressable(string name)
        => name.Length > 0 && name.Trim().Length == name.Length && !name.Contains('.', StringComparison.Ordinal) && !name.Contains(':', StringComparison.Ordinal);

    /// <summary>The member named <paramref name="name"/> that a JSON reader keeps: the last one.</summary>
    private static JsonElement LastMember(JsonElement obj, string name)
    {
        JsonElement last = default;
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (p.NameEquals(name))
            {
                last = p.Value;
            }
        }

        return last;
    }

    private static List<string> ReadEvents(IEnumerable<string> files)
        => TestArchives.ReadLines(files).FindAll(static line => line.StartsWith('{') && IsJsonObject(line));

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
