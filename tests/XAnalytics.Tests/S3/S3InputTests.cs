using System.CommandLine;
using System.IO.Compression;
using System.Text;
using XAnalytics.Cli;
using XAnalytics.Pipeline;
using XAnalytics.S3;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.S3;

/// <summary>
/// <c>s3://</c> inputs against a local S3-compatible server: the same events, in the same order, with the same
/// checks, as the same tree read from disk.
/// </summary>
public sealed class S3InputTests : IClassFixture<S3Server>, IDisposable
{
    private readonly S3Server _s3;
    private readonly TempDir _dir = new();

    public S3InputTests(S3Server s3) => _s3 = s3;

    public void Dispose() => _dir.Dispose();

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        string config = _dir.WriteText("s3.yaml", $"s3-endpoint: {_s3.Endpoint}\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse([.. args, "--config", config, "--rejects", _dir.PathOf("rejects.tsv"), "--no-progress"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, output.ToString(), error.ToString());
    }

    private static string Event(string user, string type, int minute)
        => "{\"username\": \"" + user + "\", \"event_type\": \"" + type + "\", \"time\": \"2015-03-01T10:"
            + minute.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + ":00+00:00\", \"context\": {\"course_id\": \"course-v1:OrgX+C1+2015_T1\"}}";

    private static byte[] Gzip(params string[] lines)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        return buffer.ToArray();
    }

    /// <summary>The same tree on disk and in the bucket under <paramref name="prefix"/>: names that sort differently by folder and by key, a hidden file, a manifest, a cut gzip.</summary>
    private string WriteTree(string prefix)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["server-b/tracking.log-20150301-1.gz"] = Gzip(Event("learner_b", "play_video", 1), Event("learner_b", "pause_video", 2)),
            ["server-a/tracking.log-20150302-1.gz"] = Gzip(Event("learner_a", "problem_check", 3), "not json", Event("learner_c", "seq_next", 4)),
            ["server-a/tracking.log-20150301-1.gz"] = Gzip(Event("learner_a", "play_video", 5)),
            ["server-a/plain.log"] = Encoding.UTF8.GetBytes(Event("learner_d", "page_close", 6) + "\n"),
            ["server-a/.partial.gz"] = Gzip(Event("hidden", "hidden", 7)),
            ["server-c/cut.gz"] = Gzip(Event("learner_e", "play_video", 8), Event("learner_e", "play_video", 9))[..40],
        };
        string local = _dir.PathOf("local-" + prefix);
        foreach ((string name, byte[] bytes) in files)
        {
            _dir.WriteBytes(Path.Combine("local-" + prefix, name), bytes);
            _s3.Put(prefix + "/" + name, bytes);
        }

        _s3.Put(prefix + "-sibling/server-a/other.gz", Gzip(Event("sibling", "sibling", 10)));
        return local;
    }

    [S3Fact]
    public async Task Select_S3Prefix_SameRowsInSameOrderAsTheTreeOnDisk_CutObjectNamed()
    {
        string local = WriteTree("select");

        var (exit, output, error) = await RunAsync("select", $"s3://{S3Server.Bucket}/select", "username", "event_type");
        string rejects = File.ReadAllText(_dir.PathOf("rejects.tsv"));
        var (localExit, localOutput, _) = await RunAsync("select", local, "username", "event_type");

        Assert.Equal(ExitCodes.DataProblems, exit);
        Assert.Equal(localExit, exit);
        Assert.Equal(localOutput, output);
        Assert.Equal("learner_d\tpage_close\nlearner_a\tplay_video\nlearner_a\tproblem_check\nlearner_c\tseq_next\nlearner_b\tplay_video\nlearner_b\tpause_video\n", output);
        Assert.Contains($"s3://{S3Server.Bucket}/select/server-c/cut.gz: gzip member 1 is cut off", error, StringComparison.Ordinal);
        Assert.Contains("lines read 7 = written 6 + filtered 0 + rejected 1", error, StringComparison.Ordinal);
        Assert.DoesNotContain(S3Server.AccessKey, error, StringComparison.Ordinal);
        Assert.Contains($"s3://{S3Server.Bucket}/select/server-a/tracking.log-20150302-1.gz\t2\tnot-json", rejects, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Count_OneObject_AndTrailingSlashPrefix()
    {
        WriteTree("single");

        var (_, one, _) = await RunAsync("count", $"s3://{S3Server.Bucket}/single/server-b/tracking.log-20150301-1.gz", "--by", "event_type");
        var (_, all, _) = await RunAsync("count", $"s3://{S3Server.Bucket}/single/", "--by", "username");

        Assert.Equal("pause_video\t1\nplay_video\t1\n", one);
        Assert.DoesNotContain("sibling", all, StringComparison.Ordinal); // single-sibling/ is not under single/
        Assert.DoesNotContain("hidden", all, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Count_MissingPrefix_UsageErrorNamingIt()
    {
        var (exit, _, error) = await RunAsync("count", $"s3://{S3Server.Bucket}/no-such-prefix");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"Input not found: s3://{S3Server.Bucket}/no-such-prefix", error, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Count_PartsFolderInS3_APartChangedSameSize_BadFileReportedAsOnDisk()
    {
        // Parts written by convert, one event each, then one changed in place (same size, still JSON): on disk and in
        // the bucket, only the hash in manifest.json tells, and both runs must say so the same way.
        string input = _dir.WriteText("parts-in/a.log", Event("learner_a", "play_video", 1) + "\n" + Event("learner_b", "pause_video", 2) + "\n" + Event("learner_a", "seq_next", 3) + "\n");
        string parts = _dir.PathOf("parts");
        var (converted, _, convertError) = await RunAsync("convert", input, parts, "--to", "json", "--no-gzip", "--set", "max-file-size=1");
        Assert.True(converted == ExitCodes.Clean, convertError);
        string part = Path.Combine(parts, "part-00001.json");
        File.WriteAllText(part, File.ReadAllText(part).Replace("pause_video", "pause_vidoe", StringComparison.Ordinal));
        foreach (string file in Directory.GetFiles(parts))
        {
            _s3.Put("parts/" + Path.GetFileName(file), File.ReadAllBytes(file));
        }

        string s3 = $"s3://{S3Server.Bucket}/parts";
        var (localExit, localOutput, localError) = await RunAsync("count", parts, "--by", "event_type");
        var (exit, output, error) = await RunAsync("count", s3, "--by", "event_type");

        Assert.Equal(ExitCodes.DataProblems, localExit);
        Assert.Equal(localExit, exit);
        Assert.Equal(localOutput, output);
        string[] localBad = [.. localError.Split('\n').Where(static l => l.Contains("part-00001", StringComparison.Ordinal)).Select(l => l.Replace(parts, s3, StringComparison.Ordinal))];
        string[] bad = [.. error.Split('\n').Where(static l => l.Contains("part-00001", StringComparison.Ordinal))];
        Assert.NotEmpty(bad);
        Assert.Equal(localBad, bad);
        Assert.Contains($"{s3}/part-00001.json", error, StringComparison.Ordinal);
        Assert.Contains("its XXH3 does not match manifest.json's for part-00001.json", error, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Count_PartsFolderInS3_APartMissing_UsageErrorAsOnDisk()
    {
        string input = _dir.WriteText("missing-in/a.log", Event("learner_a", "play_video", 1) + "\n" + Event("learner_b", "pause_video", 2) + "\n");
        string parts = _dir.PathOf("missing-parts");
        var (converted, _, convertError) = await RunAsync("convert", input, parts, "--to", "json", "--no-gzip", "--set", "max-file-size=1");
        Assert.True(converted == ExitCodes.Clean, convertError);
        File.Delete(Path.Combine(parts, "part-00000.json"));
        foreach (string file in Directory.GetFiles(parts))
        {
            _s3.Put("missing-parts/" + Path.GetFileName(file), File.ReadAllBytes(file));
        }

        var (exit, output, error) = await RunAsync("count", $"s3://{S3Server.Bucket}/missing-parts");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output);
        Assert.Contains($"s3://{S3Server.Bucket}/missing-parts: part-00000.json, listed in its manifest.json, is missing", error, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Library_StoreInFileSourceOptions_CountsTheObjects()
    {
        WriteTree("library");
        using var store = new S3InputStore(new S3InputOptions
        {
            Endpoint = _s3.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials(S3Server.AccessKey, S3Server.AccessKey),
        });
        PipelineOptions options = Run.Options([$"s3://{S3Server.Bucket}/library/server-a"]) with { };
        options = options with { Source = options.Source with { Stores = [store] } };

        var (result, counts) = await Run.CountAsync(options);

        Assert.Equal(3, result.Counters.Files); // .partial.gz is hidden
        Assert.Equal(4, counts.Events);
        Assert.Equal(1, result.Counters.Rejected);
    }
}
