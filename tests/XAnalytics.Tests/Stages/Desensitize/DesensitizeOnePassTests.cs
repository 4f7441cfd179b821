using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;
using XAnalytics.Tests.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Stages.Desensitize;

/// <summary>
/// The desensitize command runs one stage: desensitize decodes browser events and drops redundant context itself.
/// It must write the same bytes as decode-browser-event and remove-redundant before it, on generated events and on
/// real edX logs, in both profiles, with and without course_user_tags.
/// </summary>
public sealed class DesensitizeOnePassTests : IDisposable
{
    private static readonly PseudonymKey s_key = PseudonymKey.FromBytes("0123456789abcdef0123456789abcdef"u8);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-onepass-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(DesensitizeProfile.Default, true)]
    [InlineData(DesensitizeProfile.Strict, true)]
    [InlineData(DesensitizeProfile.Default, false)]
    public async Task GeneratedArchive_SameOutputAsThreeStages(DesensitizeProfile profile, bool dropTags)
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 4_000, files: 2, courses: 3, learners: 200, days: 2);

        await AssertSameAsync(archive, profile, dropTags, minimumDecoded: 500);

        // With every context rule kept there is no walk of the context to fold the rule into: the stage then runs
        // remove-redundant's own rewrite first. Same bytes again.
        string[] keepContext = ["context.agent", "context.ip", "context.host", "context.user_id", "context.session"];
        await AssertSameAsync(archive, profile, dropTags, minimumDecoded: 500, keepContext);
    }

    [SharedCorpusFact]
    public async Task SharedCorpus_SameOutputAsThreeStages()
    {
        await AssertSameAsync(SharedCorpus.Directory!, DesensitizeProfile.Default, dropTags: true, minimumDecoded: 100);
        await AssertSameAsync(SharedCorpus.Directory!, DesensitizeProfile.Strict, dropTags: true, minimumDecoded: 100);
    }

    [Fact]
    public async Task Context_AllRedundant_DroppedWhole_AsByRemoveRedundant()
    {
        string[] events =
        [
            """{"username": "u_f", "page": "p", "context": {"username": "u_f", "page": "p"}, "n": 1}""",
            """{"username": "u_f", "context": {"username": "u_f", "user_id": 3}}""",
            """{"username": "u_f", "context": {"username": "u_g", "course_user_tags": {}}}""",
            """{"username": "u_f", "context": {}}""",
            """{"context": {"x": 1}, "context": {"page": "q"}, "page": "q"}""",
            """{"\u0070age": "p", "context": {"pag\u0065": "p", "course_id": "c"}}""",
        ];
        DirectoryInfo dir = Directory.CreateTempSubdirectory("xanalytics-onepass-ctx-");
        try
        {
            File.WriteAllLines(Path.Combine(dir.FullName, "tracking.log"), events);
            await AssertSameAsync(dir.FullName, DesensitizeProfile.Default, dropTags: true, minimumDecoded: 0);
            await AssertSameAsync(dir.FullName, DesensitizeProfile.Strict, dropTags: false, minimumDecoded: 0);
            (byte[] output, _) = await RunAsync(dir.FullName, [DesensitizeStage.Create(new DesensitizeOptions { Key = s_key, RemoveRedundant = new() })]);
            string[] lines = System.Text.Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.DoesNotContain("context", lines[0], StringComparison.Ordinal);
            Assert.Contains("\"context\":{}", lines[1], StringComparison.Ordinal); // username redundant; user_id then the profile's
            Assert.Contains("\"context\":{\"username\":", lines[2], StringComparison.Ordinal);
            Assert.Contains("\"context\":{}", lines[3], StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task AssertSameAsync(string input, DesensitizeProfile profile, bool dropTags, int minimumDecoded, string[]? keep = null)
    {
        var options = new DesensitizeOptions { Key = s_key, Profile = profile, KeepFields = keep ?? [] };
        var redundant = new RemoveRedundantOptions { DropCourseUserTags = dropTags };
        (byte[] withDecode, RunResult first) = await RunAsync(
            input, [DecodeBrowserEventStage.Create(), RemoveRedundantStage.Create(redundant), DesensitizeStage.Create(options)]);
        (byte[] without, RunResult second) = await RunAsync(input, [DesensitizeStage.Create(options with { RemoveRedundant = redundant })]);

        long decodedBefore = first.Counters.Stages[DecodeBrowserEventStage.Name].Changed;
        long decodedInside = second.Counters.Stages[DesensitizeStage.Name].Facts.GetValueOrDefault("decoded");
        Assert.True(decodedBefore >= minimumDecoded, $"only {decodedBefore} browser events were decoded: the comparison would not mean much");
        Assert.Equal(decodedBefore, decodedInside);
        Assert.Equal(
            first.Counters.Stages[DecodeBrowserEventStage.Name].Facts.GetValueOrDefault(DecodeBrowserEventStage.UndecodableFact),
            second.Counters.Stages[DesensitizeStage.Name].Facts.GetValueOrDefault(DecodeBrowserEventStage.UndecodableFact));
        Assert.Equal(first.Counters.Written, second.Counters.Written);
        if (!withDecode.AsSpan().SequenceEqual(without))
        {
            string[] a = System.Text.Encoding.UTF8.GetString(withDecode).Split('\n');
            string[] b = System.Text.Encoding.UTF8.GetString(without).Split('\n');
            int i = 0;
            while (i < Math.Min(a.Length, b.Length) && a[i] == b[i])
            {
                i++;
            }

            Assert.Fail($"the outputs differ at line {i + 1}:\n{(i < a.Length ? a[i] : "(none)")}\n{(i < b.Length ? b[i] : "(none)")}");
        }
    }

    private static async Task<(byte[] Output, RunResult Result)> RunAsync(string input, IReadOnlyList<IEventStage> stages)
    {
        using var output = new MemoryStream();
        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [input] } }, stages, new JsonLinesStreamSink(output)).WaitAsync(TimeSpan.FromSeconds(60));
        return (output.ToArray(), result);
    }
}
