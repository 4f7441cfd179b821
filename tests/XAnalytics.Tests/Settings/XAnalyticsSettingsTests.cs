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

    [Fact]
    public void GetRequiredPath_UnknownKey_ExpandsOnRequest()
    {
        _files.Environment["GEO"] = "/srv/geo";
        _files.Write("etc/xanalytics.yaml", "geoip-database: $GEO/city.mmdb\n");
        XAnalyticsSettings settings = _files.Load();

        Assert.Equal("/srv/geo/city.mmdb", settings.GetRequiredPath("geoip-database"));
        Assert.True(settings.TryGetValue("geoip-database", out string? raw));
        Assert.Equal("$GEO/city.mmdb", raw);
    }

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
    public void TryGetValue_UnknownKey_ReturnsValueAsWritten()
    {
        _files.Write("etc/xanalytics", "future-feature: On\n");

        Assert.True(_files.Load().TryGetValue("future-feature", out string? value));
        Assert.Equal("On", value);
    }

    [Fact]
    public void Describe_MixedSources_RecordsWhereEachValueCameFrom()
    {
        string etc = _files.Write("etc/xanalytics", "output-dir: /o\nzeta: 1\nalpha: 2\n");
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
                new SettingEntry("alpha", "2", etc),
                new SettingEntry("zeta", "1", etc),
            ],
            entries);
    }
}
