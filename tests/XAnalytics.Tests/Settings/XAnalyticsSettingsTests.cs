using XAnalytics.Settings;

namespace XAnalytics.Tests.Settings;

public sealed class XAnalyticsSettingsTests : IDisposable
{
    private readonly SettingsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void GetRequiredPath_UnsetKey_MessageNamesKeyAndListsSearchedFiles()
    {
        _files.Write("home/.xanalytics", "threads: 2\n");
        XAnalyticsSettings settings = _files.Load();

        var ex = Assert.Throws<SettingsException>(() => settings.GetRequiredPath(SettingKeys.OutputDir));

        Assert.Equal("output-dir", ex.Key);
        Assert.StartsWith("Setting 'output-dir' is required", ex.Message, StringComparison.Ordinal);
        IReadOnlyList<string> candidates = _files.CandidateFiles;
        Assert.Contains($"{candidates[0]} (not found)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{candidates[1]} (not found)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{candidates[2]} (read)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{candidates[3]} (not found)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("XANALYTICS_CONFIG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("output-dir=VALUE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredPath_UnsetKeyWithConfigFile_ListsConfigFileAndOrigin()
    {
        string config = _files.Write("c.yaml", "threads: 2\n");
        XAnalyticsSettings settings = _files.Load(config);

        var ex = Assert.Throws<SettingsException>(() => settings.GetRequiredPath("edx-data-dir"));

        Assert.Contains($"{config} (read, from --config)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredPath_SetKey_ReturnsExpandedPath()
    {
        _files.Write("etc/xanalytics.yaml", "pseudonym-key-file: ~/keys/pseudo.key\n");

        string path = _files.Load().GetRequiredPath(SettingKeys.PseudonymKeyFile);

        Assert.Equal(_files.Home + "/keys/pseudo.key", path);
    }

    [Theory]
    [InlineData("threds: 4\n", "threds", "threads")]
    [InlineData("desensitise-drop: context.foo\n", "desensitise-drop", "desensitize-drop")]
    [InlineData("Output-Dir: /o\n", "Output-Dir", "output-dir")]
    public void Load_UnknownKeyInFile_ErrorNamesKeyFileLineAndNearestKnownKey(string yaml, string key, string nearest)
    {
        // Ignored, a misspelt desensitise-drop shipped the very fields it was meant to drop.
        string file = _files.Write("etc/xanalytics.yaml", "output-dir: /o\n# a comment\n" + yaml);

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(key, ex.Key);
        Assert.Equal((file, 3), (ex.FilePath, ex.Line));
        Assert.StartsWith($"{file}:3:", ex.Message, StringComparison.Ordinal); // file:line:column
        Assert.Contains($": unknown setting '{key}'; did you mean '{nearest}'? (known settings: public-data-dir, ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyOnCommandLine_ErrorNamesSetAndNearestKnownKey()
    {
        var ex = Assert.Throws<SettingsException>(() => _files.Load(null, "max-line-lenght=1MiB"));

        Assert.Equal("max-line-lenght", ex.Key);
        Assert.Null(ex.FilePath);
        Assert.StartsWith("--set: unknown setting 'max-line-lenght'; did you mean 'max-line-length'?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyNearNothing_ErrorWithoutGuess()
    {
        _files.Write("etc/xanalytics", "geoip-database: /srv/geo/city.mmdb\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Contains("unknown setting 'geoip-database' (known settings:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredPath_UnknownKey_ThrowsArgumentException()
        => Assert.Throws<ArgumentException>(() => _files.Load().GetRequiredPath("geoip-database"));

    [Fact]
    public void GetRequiredPath_NumericKey_ThrowsArgumentException()
    {
        XAnalyticsSettings settings = _files.Load();

        Assert.Throws<ArgumentException>(() => settings.GetRequiredPath(SettingKeys.Threads));
    }

    [Fact]
    public void TryGetValue_UnsetKey_ReturnsFalse()
    {
        XAnalyticsSettings settings = _files.Load();

        Assert.False(settings.TryGetValue("output-dir", out string? value));
        Assert.Null(value);
    }

    [Fact]
    public void TryGetValue_KnownNumericKeyUnset_ReturnsDefault()
    {
        Assert.True(_files.Load().TryGetValue(SettingKeys.MaxLineLength, out string? value));
        Assert.Equal("16777216", value);
    }

    [Fact]
    public void Describe_MixedSources_RecordsWhereEachValueCameFrom()
    {
        string etc = _files.Write("etc/xanalytics", "output-dir: /o\ndesensitize-keep: ip\n");
        string config = _files.Write("c.yaml", "scratch-dir: /s\n");

        IReadOnlyList<SettingEntry> entries = _files.Load(config, "max-file-size=500").Describe();

        Assert.Equal(
            [
                new SettingEntry("scratch-dir", "/s", config),
                new SettingEntry("output-dir", "/o", etc),
                new SettingEntry("max-file-size", "500", "command line"),
                new SettingEntry("threads", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "default"),
                new SettingEntry("max-line-length", "16777216", "default"),
                new SettingEntry("rejects-keep", "20", "default"),
                new SettingEntry("desensitize-keep", "ip", etc),
            ],
            entries);
    }
}
