using XAnalytics.Generation;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Stages;
using XAnalytics.Tests.Sources;

namespace XAnalytics.Tests.Stages;

/// <summary>
/// The desensitize command runs without a decode stage because desensitize decodes browser events itself: the two
/// pipelines must write the same bytes, on generated events and on real edX logs, in both profiles.
/// </summary>
public sealed class DesensitizeWithoutDecodeTests : IDisposable
{
    private static readonly PseudonymKey s_key = PseudonymKey.FromBytes("0123456789abcdef0123456789abcdef"u8);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-nodecode-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(DesensitizeProfile.Default)]
    [InlineData(DesensitizeProfile.Strict)]
    public async Task GeneratedArchive_SameOutputWithAndWithoutDecodeStage(DesensitizeProfile profile)
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await ArchiveGenerator.GenerateAsync(new GeneratorOptions
        {
            OutputDirectory = archive,
            Events = 4_000,
            Files = 2,
            Courses = 3,
            Learners = 200,
            Days = 2,
        }).WaitAsync(TimeSpan.FromSeconds(60));

        await AssertSameAsync(archive, profile, minimumDecoded: 500);
    }

    [SharedCorpusFact]
    public async Task SharedCorpus_SameOutputWithAndWithoutDecodeStage()
    {
        await AssertSameAsync(SharedCorpus.Directory!, DesensitizeProfile.Default, minimumDecoded: 100);
        await AssertSameAsync(SharedCorpus.Directory!, DesensitizeProfile.Strict, minimumDecoded: 100);
    }

    private static async Task AssertSameAsync(string input, DesensitizeProfile profile, int minimumDecoded)
    {
        var options = new DesensitizeOptions { Key = s_key, Profile = profile };
        (byte[] withDecode, RunResult first) = await RunAsync(input, [DecodeBrowserEventStage.Create(), RemoveRedundantStage.Create(), DesensitizeStage.Create(options)]);
        (byte[] without, RunResult second) = await RunAsync(input, [RemoveRedundantStage.Create(), DesensitizeStage.Create(options)]);

        long decodedBefore = first.Counters.Stages[DecodeBrowserEventStage.Name].Changed;
        long decodedInside = second.Counters.Stages[DesensitizeStage.Name].Facts["decoded"];
        Assert.True(decodedBefore >= minimumDecoded, $"only {decodedBefore} browser events were decoded: the comparison would not mean much");
        Assert.Equal(decodedBefore, decodedInside);
        Assert.Equal(
            first.Counters.Stages[DecodeBrowserEventStage.Name].Facts[DecodeBrowserEventStage.UndecodableFact],
            second.Counters.Stages[DesensitizeStage.Name].Facts[DecodeBrowserEventStage.UndecodableFact]);
        Assert.Equal(first.Counters.Written, second.Counters.Written);
        Assert.True(withDecode.AsSpan().SequenceEqual(without), "the outputs differ");
    }

    private static async Task<(byte[] Output, RunResult Result)> RunAsync(string input, IReadOnlyList<IEventStage> stages)
    {
        using var output = new MemoryStream();
        RunResult result = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [input] } }, stages, new JsonLinesStreamSink(output)).WaitAsync(TimeSpan.FromSeconds(60));
        return (output.ToArray(), result);
    }
}
