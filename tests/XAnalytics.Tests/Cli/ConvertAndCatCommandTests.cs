using System.CommandLine;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using XAnalytics.Cli;
using XAnalytics.Tests.Sources;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics convert</c> and <c>xanalytics cat</c> end to end, in-process.</summary>
public sealed class ConvertAndCatCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-convert-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string rejects = Path.Combine(_dir.FullName, $"rejects-{Guid.NewGuid():N}.tsv");
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", rejects, "--no-progress"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private string Logs => Path.Combine(_dir.FullName, "logs");

    private void WriteSample()
    {
        string path = Path.Combine(Logs, "s1", "tracking.log-20150301-1.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(
                """{"username":"u1","event_type":"play_video","n":12345678901234567890123,"x":1.0,"$k":{"a.b":"é😀"}}""" + "\n"
                + "# a comment line\n"
                + """{"username":"u2","event_type":"seq_goto","event":"{\"old\": 1}","list":[1,[2,null],{"":true}]}""" + "\n"));
        }

        File.WriteAllText(Path.Combine(Logs, "s2.log"), """{"username":"u3","event_type":"problem_check","grade":0.5}""" + "\n");
    }

    private static void AssertSameEvents(string expected, string actual)
    {
        string[] a = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] b = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a[i]), JsonNode.Parse(b[i])), $"{a[i]}\n{b[i]}");
        }
    }

    [Fact]
    public async Task Cat_JsonInput_EventsInInputOrder()
    {
        WriteSample();

        var (exit, output, error) = await RunAsync("cat", Logs);

        Assert.Equal(ExitCodes.DataProblems, exit); // the comment line is rejected
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["u1", "u2", "u3"], lines.Select(l => JsonNode.Parse(l)!["username"]!.GetValue<string>()));
        Assert.Contains("written 3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_ToBsonThenCat_SameEventsAsCatOnTheSource()
    {
        WriteSample();
        string bson = Path.Combine(_dir.FullName, "bson");

        var (exit, _, error) = await RunAsync("convert", Logs, bson, "--to", "bson");
        var (_, fromBson, _) = await RunAsync("cat", bson);
        var (_, fromJson, _) = await RunAsync("cat", Logs);

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Contains("3 events in 1 parts", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(bson, "part-00000.bson")));
        AssertSameEvents(fromJson, fromBson);
    }

    [Fact]
    public async Task Convert_ToJsonFromBson_GzipPartsByDefaultAndSameEvents()
    {
        WriteSample();
        string bson = Path.Combine(_dir.FullName, "bson");
        string json = Path.Combine(_dir.FullName, "json");
        await RunAsync("convert", Logs, bson, "--to", "bson", "--gzip");

        var (exit, _, _) = await RunAsync("convert", bson, json, "--to", "json");
        var (_, back, _) = await RunAsync("cat", json);
        var (_, source, _) = await RunAsync("cat", Logs);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.True(File.Exists(Path.Combine(bson, "part-00000.bson.gz")));
        Assert.True(File.Exists(Path.Combine(json, "part-00000.json.gz")));
        AssertSameEvents(source, back);
    }

    [Fact]
    public async Task Cat_InformatBson_ReadsBsonWhateverItsName()
    {
        WriteSample();
        string bson = Path.Combine(_dir.FullName, "bson");
        await RunAsync("convert", Logs, bson, "--to", "bson");
        string renamed = Path.Combine(_dir.FullName, "events.dat");
        File.Copy(Path.Combine(bson, "part-00000.bson"), renamed);

        var (exit, output, _) = await RunAsync("cat", renamed, "--informat", "bson");

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.Equal(3, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Convert_OutputFolderHoldsParts_FailsWithoutOverwrite()
    {
        WriteSample();
        string json = Path.Combine(_dir.FullName, "json");
        await RunAsync("convert", Logs, json, "--to", "json");

        var (exit, _, error) = await RunAsync("convert", Logs, json, "--to", "json");
        var (again, _, _) = await RunAsync("convert", Logs, json, "--to", "json", "--overwrite");

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("already holds parts", error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.DataProblems, again);
    }

    /// <summary>Converts the sample to plain JSON-lines parts of one event each; returns the parts folder.</summary>
    private async Task<string> PartsAsync()
    {
        WriteSample();
        string parts = Path.Combine(_dir.FullName, "parts");
        var (exit, _, _) = await RunAsync("convert", Logs, parts, "--to", "json", "--no-gzip", "--set", "max-file-size=1");
        Assert.Equal(ExitCodes.DataProblems, exit); // the comment line is a reject
        Assert.Equal(3, Directory.GetFiles(parts, "part-*").Length);
        return parts;
    }

    [Fact]
    public async Task Count_PartsFolderMissingAPart_UsageErrorNamingIt()
    {
        string parts = await PartsAsync();
        File.Delete(Path.Combine(parts, "part-00001.json"));

        var (exit, output, error) = await RunAsync("count", parts);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("part-00001.json, listed in its manifest.json, is missing", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Count_PartsFolderWithAnExtraPart_UsageErrorNamingIt()
    {
        string parts = await PartsAsync();
        File.Copy(Path.Combine(parts, "part-00001.json"), Path.Combine(parts, "part-00007.json"));

        var (exit, _, error) = await RunAsync("count", parts);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("part-00007.json is not in its manifest.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_PartsFolderPartOfWrongSize_UsageErrorNamingIt()
    {
        string parts = await PartsAsync();
        File.AppendAllText(Path.Combine(parts, "part-00002.json"), """{"event_type":"added"}""" + "\n");

        var (exit, _, error) = await RunAsync("count", parts);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("part-00002.json has", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_PartChangedSameSize_BadFileNamedByItsXxh3()
    {
        // Same size, still valid JSON: only the hash, computed while the part is read, can tell.
        string parts = await PartsAsync();
        string part = Path.Combine(parts, "part-00002.json");
        Assert.Contains("\"xxh3\"", File.ReadAllText(Path.Combine(parts, "manifest.json")), StringComparison.Ordinal);
        File.WriteAllText(part, File.ReadAllText(part).Replace("problem_check", "problem_chekk", StringComparison.Ordinal));

        var (exit, _, error) = await RunAsync("count", parts);

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Contains("part-00002.json", error, StringComparison.Ordinal);
        Assert.Contains("XXH3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_PartChangedSameSize_ManifestWithoutXxh3_BadFileNamedBySha256()
    {
        // A manifest written before XXH3 was recorded: its parts are held to their SHA-256.
        string parts = await PartsAsync();
        string manifest = Path.Combine(parts, "manifest.json");
        File.WriteAllText(manifest, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(manifest), ",\\s*\"xxh3\": \"[0-9a-f]+\"", string.Empty));
        Assert.DoesNotContain("xxh3", File.ReadAllText(manifest), StringComparison.Ordinal);
        string part = Path.Combine(parts, "part-00002.json");
        File.WriteAllText(part, File.ReadAllText(part).Replace("problem_check", "problem_chekk", StringComparison.Ordinal));

        var (exit, _, error) = await RunAsync("count", parts);

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Contains("part-00002.json", error, StringComparison.Ordinal);
        Assert.Contains("SHA-256", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_PartsFolderIntact_Clean()
    {
        string parts = await PartsAsync();

        var (exit, output, _) = await RunAsync("count", parts);

        Assert.Equal(ExitCodes.Clean, exit);
        Assert.StartsWith("events\t3\n", output, StringComparison.Ordinal);
    }

    [SharedCorpusFact]
    public async Task Cat_CorpusAsBson_EqualsCatOnTheJsonSource()
    {
        string bson = Path.Combine(_dir.FullName, "corpus-bson");
        await RunAsync("convert", SharedCorpus.Directory!, bson, "--to", "bson");

        var (_, fromBson, _) = await RunAsync("cat", bson);
        var (_, fromJson, _) = await RunAsync("cat", SharedCorpus.Directory!);

        AssertSameEvents(fromJson, fromBson);
    }
}
