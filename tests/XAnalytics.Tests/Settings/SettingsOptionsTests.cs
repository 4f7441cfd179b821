using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Tests.Settings;

/// <summary>Settings become library options in one place (<c>XAnalyticsSettings.To*Options</c>), for the CLI and embedders.</summary>
public sealed class SettingsOptionsTests : IDisposable
{
    private readonly SettingsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ToPipelineOptions_TakesThreadsLineLengthAndAPrivateRejectsFileUnderScratch()
    {
        string scratch = Path.Combine(_files.Root, "scratch");
        _files.Write("home/.xanalytics", $"threads: 3\nmax-line-length: 2MiB\nscratch-dir: {scratch}\n");
        XAnalyticsSettings settings = _files.Load();

        PipelineOptions options = settings.ToPipelineOptions(["/data/a", "/data/b"], "count");

        Assert.Equal(["/data/a", "/data/b"], options.Source.Inputs);
        Assert.Equal(3, options.Threads);
        Assert.Equal(2 * 1024 * 1024, options.MaxLineBytes);
        Assert.False(options.WriteEmptyRejectsFile);
        string rejects = Assert.IsType<string>(options.RejectsPath);
        Assert.Equal(Path.Combine(scratch, "rejects"), Path.GetDirectoryName(rejects));
        Assert.StartsWith("count-", Path.GetFileName(rejects), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(rejects)!));
        }
    }

    [Fact]
    public void ToPipelineOptions_RejectsKeep_OldestRejectsFilesSwept()
    {
        string scratch = Path.Combine(_files.Root, "scratch");
        _files.Write("home/.xanalytics", $"rejects-keep: 3\nscratch-dir: {scratch}\n");
        XAnalyticsSettings settings = _files.Load();
        string rejects = Path.Combine(scratch, "rejects");
        Directory.CreateDirectory(rejects);
        for (int i = 0; i < 5; i++)
        {
            string file = Path.Combine(rejects, $"old-{i}.tsv");
            File.WriteAllText(file, "file\tline\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(i - 10));
        }

        Assert.Equal(3, settings.RejectsKeep);
        settings.ToPipelineOptions(["/data/a"], "count");

        Assert.Equal(["old-3.tsv", "old-4.tsv"], Directory.GetFiles(rejects).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RejectsKeep_NotAPositiveInteger_SettingsError()
    {
        _files.Write("home/.xanalytics", "rejects-keep: 0\n");

        Assert.Contains("rejects-keep", Assert.Throws<SettingsException>(() => _files.Load()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPartsSinkOptions_TakesMaxFileSize()
    {
        _files.Write("home/.xanalytics", "max-file-size: 1234\n");

        PartsSinkOptions options = _files.Load().ToPartsSinkOptions("/out");

        Assert.Equal("/out", options.OutputDirectory);
        Assert.Equal(1234, options.MaxEventsPerPart);
    }

    [Fact]
    public void ToDesensitizeOptions_TakesDropKeepListsAndTheKeyFile()
    {
        string key = _files.Write("key", Convert.ToBase64String(new byte[32]) + "\n");
        _files.Write("home/.xanalytics", $"desensitize-drop: context.foo, event.bar\ndesensitize-keep: accept_language\npseudonym-key-file: {key}\n");

        DesensitizeOptions options = _files.Load().ToDesensitizeOptions(DesensitizeProfile.Strict);

        Assert.Equal(DesensitizeProfile.Strict, options.Profile);
        Assert.Equal(["context.foo", "event.bar"], options.DropFields);
        Assert.Equal(["accept_language"], options.KeepFields);
        Assert.NotNull(options.Key);
    }

    [Fact]
    public void ToDesensitizeOptions_SequentialPseudonyms_NeedNoKey()
    {
        DesensitizeOptions options = _files.Load().ToDesensitizeOptions(pseudonyms: PseudonymScheme.Sequential);

        Assert.Null(options.Key);
        Assert.Empty(options.DropFields);
    }

    [Fact]
    public void LoadPseudonymKey_NoKeyAnywhere_ThrowsSayingHowToGiveOne()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(XAnalyticsSettings.PseudonymKeyVariable)))
        {
            return; // a key in this process's environment is a key given: the case under test cannot arise
        }

        var ex = Assert.Throws<ArgumentException>(() => _files.Load().LoadPseudonymKey());

        Assert.Contains("--key-file", ex.Message, StringComparison.Ordinal);
        Assert.Contains(XAnalyticsSettings.PseudonymKeyVariable, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPseudonymKey_ExplicitFileWinsOverTheSetting()
    {
        string a = _files.Write("a.key", Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray()));
        string b = _files.Write("b.key", Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray()));
        _files.Write("home/.xanalytics", $"pseudonym-key-file: {a}\n");
        XAnalyticsSettings settings = _files.Load();

        string fromSetting = settings.LoadPseudonymKey().Pseudonymize("learner");
        string fromFile = settings.LoadPseudonymKey(b).Pseudonymize("learner");

        Assert.Equal(PseudonymKey.Load(a).Pseudonymize("learner"), fromSetting);
        Assert.Equal(PseudonymKey.Load(b).Pseudonymize("learner"), fromFile);
        Assert.NotEqual(fromSetting, fromFile);
    }
}
