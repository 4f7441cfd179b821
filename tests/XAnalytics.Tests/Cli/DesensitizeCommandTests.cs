using System.CommandLine;
using System.IO.Compression;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Cli;

/// <summary><c>xanalytics desensitize</c> and <c>filter</c> end to end.</summary>
public sealed class DesensitizeCommandTests : IDisposable
{
    private const string Key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-desens-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int ExitCode, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Program.BuildRoot().Parse([.. args, "--rejects", Path.Combine(_dir.FullName, "rejects.tsv")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, error.ToString());
    }

    private string Logs()
    {
        string path = Path.Combine(_dir.FullName, "tracking.log");
        File.WriteAllText(path,
            """{"username": "canary_user", "event_type": "/api/mobile/v0.5/users/canary_user/course_enrollments/", "event_source": "server", "time": "2015-03-01T10:00:00+00:00", "ip": "203.0.113.77", "agent": "CanaryAgent/1.0", "session": "c0ffeec0ffeec0ffeec0ffeec0ffee00", "context": {"course_id": "MITx/6.002x/2T2015", "user_id": 42, "username": "canary_user"}, "event": "{\"POST\": {}, \"GET\": {}}"}""" + "\n"
            + """{"username": "other_user", "event_type": "edx.forum.thread.created", "event_source": "server", "time": "2015-03-02T10:00:00+00:00", "ip": "203.0.113.78", "context": {"course_id": "course-v1:OtherX+C2+2015"}, "event": {"body": "write to canary@example.org or +1 617 555 0100", "user": "canary_user"}}""" + "\n");
        return path;
    }

    private static string ReadParts(string dir)
        => string.Concat(Directory.GetFiles(dir, "part-*.json.gz").Order().Select(path =>
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            return reader.ReadToEnd();
        }));

    [Fact]
    public async Task Desensitize_Strict_NoPlantedIdentifierSurvives()
    {
        string key = Path.Combine(_dir.FullName, "key");
        File.WriteAllText(key, Key);
        string output = Path.Combine(_dir.FullName, "out");

        var (exit, error) = await RunAsync("desensitize", Logs(), output, "--profile", "strict", "--key-file", key);

        Assert.Equal(ExitCodes.Clean, exit);
        string text = ReadParts(output);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (string secret in new[] { "canary_user", "other_user", "203.0.113.77", "203.0.113.78", "CanaryAgent", "c0ffeec0ffee", "canary@example.org", "617 555 0100" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("2 events in 1 parts", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Desensitize_SameKey_SamePseudonymsOnEveryRun()
    {
        string key = Path.Combine(_dir.FullName, "key");
        File.WriteAllText(key, Key);
        string logs = Logs();

        await RunAsync("desensitize", logs, Path.Combine(_dir.FullName, "a"), "--key-file", key);
        await RunAsync("desensitize", logs, Path.Combine(_dir.FullName, "b"), "--key-file", key, "--threads", "1");

        Assert.Equal(ReadParts(Path.Combine(_dir.FullName, "a")), ReadParts(Path.Combine(_dir.FullName, "b")));
    }

    [Fact]
    public async Task Desensitize_NoKey_UsageErrorAndNoOutput()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("XANALYTICS_PSEUDONYM_KEY")))
        {
            return; // the machine supplies a key; this case cannot arise here
        }

        string output = Path.Combine(_dir.FullName, "out");

        var (exit, error) = await RunAsync("desensitize", Logs(), output);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("need a secret key", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "part-*").Any());
    }

    [Fact]
    public async Task Filter_CourseInOtherShape_KeepsOnlyThatCourse()
    {
        string output = Path.Combine(_dir.FullName, "out");

        var (exit, error) = await RunAsync("filter", Logs(), output, "--course", "course-v1:MITx+6.002x+2T2015");

        Assert.Equal(ExitCodes.Clean, exit);
        string text = ReadParts(output);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("MITx/6.002x/2T2015", text, StringComparison.Ordinal);
        Assert.Contains("filtered 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Desensitize_FieldListsFromSettings_DropAndKeepApplied()
    {
        string key = Path.Combine(_dir.FullName, "key");
        File.WriteAllText(key, Key);
        string output = Path.Combine(_dir.FullName, "out");

        var (exit, _) = await RunAsync("desensitize", Logs(), output, "--key-file", key,
            "--set", "desensitize-drop=event.commentable_id, event.body", "--set", "desensitize-keep=ip");

        Assert.Equal(ExitCodes.Clean, exit);
        string text = ReadParts(output);
        Assert.DoesNotContain("\"body\"", text, StringComparison.Ordinal);
        Assert.Contains("203.0.113.78", text, StringComparison.Ordinal); // ip kept on request
        Assert.DoesNotContain("CanaryAgent", text, StringComparison.Ordinal); // the rest of the profile still applies
    }
}
