using XAnalytics.Settings;

namespace XAnalytics.Tests.Settings;

public sealed class SettingsLoaderTests : IDisposable
{
    private readonly SettingsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void GetDefaultCandidateFiles_WithHome_ListsEtcThenHomeInOrder()
    {
        IReadOnlyList<string> files = SettingsLoader.GetDefaultCandidateFiles("/home/ann");

        Assert.Equal(
            ["/etc/xanalytics", "/etc/xanalytics.yaml", "/home/ann/.xanalytics", "/home/ann/.xanalytics.yaml"],
            files);
    }

    [Fact]
    public void GetDefaultCandidateFiles_NoHome_ListsOnlyEtc()
    {
        Assert.Equal(["/etc/xanalytics", "/etc/xanalytics.yaml"], SettingsLoader.GetDefaultCandidateFiles(null));
    }

    [Fact]
    public void Load_NoFiles_ReturnsDefaultsAndRecordsMissingFiles()
    {
        XAnalyticsSettings settings = _files.Load();

        Assert.Equal(20000, settings.MaxFileSize);
        Assert.Equal(16777216, settings.MaxLineLength);
        Assert.Equal(Environment.ProcessorCount, settings.Threads);
        Assert.Null(settings.OutputDir);
        Assert.Null(settings.PublicDataDir);
        Assert.Equal(_files.CandidateFiles, settings.SearchedFiles.Select(f => f.Path));
        Assert.All(settings.SearchedFiles, f => Assert.False(f.Existed));
    }

    [Fact]
    public void Load_AllSources_LaterOverridesEarlierKeyByKey()
    {
        _files.Write("etc/xanalytics", "public-data-dir: /p0\nedx-data-dir: /e0\nscratch-dir: /s0\noutput-dir: /o0\nthreads: 1\nmax-file-size: 10\n");
        _files.Write("etc/xanalytics.yaml", "edx-data-dir: /e1\nscratch-dir: /s1\noutput-dir: /o1\nthreads: 2\nmax-file-size: 11\n");
        _files.Write("home/.xanalytics", "scratch-dir: /s2\noutput-dir: /o2\nthreads: 3\nmax-file-size: 12\n");
        _files.Write("home/.xanalytics.yaml", "output-dir: /o3\nthreads: 4\nmax-file-size: 13\n");
        string explicitFile = _files.Write("explicit.yaml", "threads: 5\nmax-file-size: 14\n");

        XAnalyticsSettings settings = _files.Load(explicitFile, "max-file-size=15");

        Assert.Equal("/p0", settings.PublicDataDir);
        Assert.Equal("/e1", settings.EdxDataDir);
        Assert.Equal("/s2", settings.ScratchDir);
        Assert.Equal("/o3", settings.OutputDir);
        Assert.Equal(5, settings.Threads);
        Assert.Equal(15, settings.MaxFileSize);
        Assert.All(settings.SearchedFiles, f => Assert.True(f.Existed));
        Assert.Equal(explicitFile, settings.SearchedFiles[^1].Path);
        Assert.Equal("--config", settings.SearchedFiles[^1].Origin);
    }

    [Fact]
    public void Load_CandidateIsDirectory_SkippedSilently()
    {
        Directory.CreateDirectory(Path.Combine(_files.Etc, "xanalytics"));

        XAnalyticsSettings settings = _files.Load();

        Assert.False(settings.SearchedFiles[0].Existed);
    }

    [Fact]
    public void Load_EmptyFileAndCommentsOnly_Ignored()
    {
        _files.Write("etc/xanalytics", string.Empty);
        _files.Write("etc/xanalytics.yaml", "# nothing yet\n");

        XAnalyticsSettings settings = _files.Load();

        Assert.Equal(20000, settings.MaxFileSize);
    }

    [Fact]
    public void Load_LaterNullValue_RemovesEarlierValue()
    {
        _files.Write("etc/xanalytics", "output-dir: /o0\nthreads: 7\n");
        _files.Write("home/.xanalytics", "output-dir: ~\nthreads:\n");

        XAnalyticsSettings settings = _files.Load();

        Assert.Null(settings.OutputDir);
        Assert.Equal(Environment.ProcessorCount, settings.Threads);
    }

    [Fact]
    public void Load_CommandLineEmptyValue_RemovesKey()
    {
        _files.Write("etc/xanalytics", "output-dir: /o0\n");

        XAnalyticsSettings settings = _files.Load(null, "output-dir=");

        Assert.Null(settings.OutputDir);
    }

    [Fact]
    public void Load_CommandLineValueWithEquals_SplitsAtFirstEquals()
    {
        XAnalyticsSettings settings = _files.Load(null, "desensitize-drop=a=b");

        Assert.True(settings.TryGetValue("desensitize-drop", out string? value));
        Assert.Equal("a=b", value);
    }

    [Theory]
    [InlineData("output-dir")]
    [InlineData("=value")]
    public void Load_CommandLineNotKeyValue_Throws(string argument)
    {
        var ex = Assert.Throws<SettingsException>(() => _files.Load(null, argument));

        Assert.Contains(argument, ex.Message, StringComparison.Ordinal);
        Assert.Contains("key=value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExplicitConfigMissing_ThrowsNamingFile()
    {
        string missing = Path.Combine(_files.Root, "nope.yaml");

        var ex = Assert.Throws<SettingsException>(() => _files.Load(missing));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("--config", ex.Message, StringComparison.Ordinal);
        Assert.Equal(missing, ex.FilePath);
    }

    [Fact]
    public void Load_ConfigEnvironmentVariable_FileIsRead()
    {
        string file = _files.Write("from-env.yaml", "output-dir: /from-env\n");
        _files.Environment[SettingsLoader.ConfigEnvironmentVariable] = file;

        XAnalyticsSettings settings = _files.Load();

        Assert.Equal("/from-env", settings.OutputDir);
        Assert.Equal(new SearchedFile(file, true, "XANALYTICS_CONFIG"), settings.SearchedFiles[^1]);
    }

    [Fact]
    public void Load_ConfigEnvironmentVariableAfterHomeFiles_OverridesThem()
    {
        _files.Write("home/.xanalytics.yaml", "output-dir: /home-file\nthreads: 3\n");
        _files.Environment[SettingsLoader.ConfigEnvironmentVariable] = _files.Write("from-env.yaml", "output-dir: /from-env\n");

        XAnalyticsSettings settings = _files.Load();

        Assert.Equal("/from-env", settings.OutputDir);
        Assert.Equal(3, settings.Threads);
    }

    [Fact]
    public void Load_ConfigOptionAndEnvironmentVariable_OptionWinsAndEnvFileNotRead()
    {
        string option = _files.Write("option.yaml", "output-dir: /from-option\n");
        _files.Environment[SettingsLoader.ConfigEnvironmentVariable] = _files.Write("from-env.yaml", "scratch-dir: /from-env\n");

        XAnalyticsSettings settings = _files.Load(option);

        Assert.Equal("/from-option", settings.OutputDir);
        Assert.Null(settings.ScratchDir);
        Assert.DoesNotContain(settings.SearchedFiles, f => f.Origin == SettingsLoader.ConfigEnvironmentVariable);
    }

    [Fact]
    public void Load_ConfigEnvironmentVariableNamesMissingFile_ThrowsNamingFileAndVariable()
    {
        string missing = Path.Combine(_files.Root, "missing.yaml");
        _files.Environment[SettingsLoader.ConfigEnvironmentVariable] = missing;

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("XANALYTICS_CONFIG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadYaml_ReportsFileLineAndColumn()
    {
        string file = _files.Write("home/.xanalytics.yaml", "output-dir: /o\nthreads: [1, 2\nscratch-dir: /s\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.NotNull(ex.Line);
        Assert.NotNull(ex.Column);
        Assert.True(ex.Line >= 2, $"line {ex.Line}");
        Assert.StartsWith($"{file}:{ex.Line}:{ex.Column}: invalid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("output-dir: \"/unclosed\nthreads: 2\n")]
    [InlineData("output-dir: {a: 1\nthreads: 2\n")]
    [InlineData("output-dir: [a\n")]
    [InlineData("output-dir: *nowhere\n")]
    [InlineData("- a\nb: c\n")]
    [InlineData("a: b: c\n")]
    public void Load_MalformedYaml_ThrowsSettingsExceptionWithPosition(string yaml)
    {
        string file = _files.Write("etc/xanalytics.yaml", yaml);

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.True(ex.Line >= 1, $"line {ex.Line}");
        Assert.True(ex.Column >= 1, $"column {ex.Column}");
        Assert.StartsWith($"{file}:{ex.Line}:{ex.Column}: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadIndentation_ReportsLineOfProblem()
    {
        string file = _files.Write("etc/xanalytics", "output-dir: /o\n  threads: 2\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.Equal(2, ex.Line);
        Assert.StartsWith($"{file}:2:{ex.Column}: invalid YAML: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Line:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateKey_ThrowsNamingFile()
    {
        string file = _files.Write("etc/xanalytics", "threads: 2\nthreads: 3\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.NotNull(ex.Line);
    }

    [Fact]
    public void Load_ListValue_ThrowsNamingFileKeyAndLine()
    {
        string file = _files.Write("etc/xanalytics", "threads: 2\noutput-dir:\n  - /a\n  - /b\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.Equal("output-dir", ex.Key);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Load_TopLevelNotMapping_Throws()
    {
        string file = _files.Write("etc/xanalytics", "just a string\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.Contains("mapping", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongTypeInFile_NamesFileKeyAndExpectedType()
    {
        string file = _files.Write("home/.xanalytics", "output-dir: /o\nmax-file-size: lots\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal(file, ex.FilePath);
        Assert.Equal("max-file-size", ex.Key);
        Assert.Equal(2, ex.Line);
        Assert.Equal(16, ex.Column);
        Assert.Equal($"{file}:2:16: 'max-file-size' must be a positive integer (events per output part), but is 'lots'.", ex.Message);
    }

    [Fact]
    public void Load_WrongTypeOverriddenLater_UsesLaterValue()
    {
        _files.Write("etc/xanalytics", "threads: many\n");
        _files.Write("home/.xanalytics", "threads: 6\n");

        Assert.Equal(6, _files.Load().Threads);
    }

    [Fact]
    public void Load_WrongTypeOnCommandLine_NamesCommandLine()
    {
        var ex = Assert.Throws<SettingsException>(() => _files.Load(null, "threads=several"));

        Assert.Equal("threads", ex.Key);
        Assert.Null(ex.FilePath);
        Assert.StartsWith("command line: 'threads' must be a positive integer", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("4 KB")]
    public void Load_InvalidNumber_Throws(string value)
    {
        var ex = Assert.Throws<SettingsException>(() => _files.Load(null, $"max-line-length={value}"));

        Assert.Equal("max-line-length", ex.Key);
        Assert.Contains("positive integer number of bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1048576", 1048576)]
    [InlineData("64KiB", 65536)]
    [InlineData("4 MiB", 4194304)]
    [InlineData("1GiB", 1073741824)]
    public void Load_MaxLineLength_ParsesBytesAndBinarySuffixes(string value, int expected)
    {
        Assert.Equal(expected, _files.Load(null, $"max-line-length={value}").MaxLineLength);
    }

    [Fact]
    public void Load_TildePath_ExpandsToHome()
    {
        _files.Write("etc/xanalytics", "output-dir: ~/out\nscratch-dir: \"~\"\npublic-data-dir: /data/~x\n");

        XAnalyticsSettings settings = _files.Load();

        Assert.Equal(_files.Home + "/out", settings.OutputDir);
        Assert.Equal(_files.Home, settings.ScratchDir);
        Assert.Equal("/data/~x", settings.PublicDataDir);
    }

    [Fact]
    public void Load_TildeWithoutHome_ThrowsNamingKey()
    {
        _files.Write("etc/xanalytics", "output-dir: ~/out\n");

        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(_files.Options() with { HomeDirectory = null }));

        Assert.Equal("output-dir", ex.Key);
        Assert.Contains("home directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EnvironmentVariables_ExpandInPaths()
    {
        _files.Environment["DATA"] = "/srv/data";
        _files.Environment["COURSE"] = "demo";
        _files.Write("etc/xanalytics", "edx-data-dir: $DATA/edx\noutput-dir: ${DATA}/out-${COURSE}x\nscratch-dir: /tmp/$$cost/$/$1\n");

        XAnalyticsSettings settings = _files.Load();

        Assert.Equal("/srv/data/edx", settings.EdxDataDir);
        Assert.Equal("/srv/data/out-demox", settings.OutputDir);
        Assert.Equal("/tmp/$cost/$/$1", settings.ScratchDir);
    }

    [Fact]
    public void Load_EnvironmentVariablesInNumbers_NotExpanded()
    {
        _files.Environment["N"] = "4";

        var ex = Assert.Throws<SettingsException>(() => _files.Load(null, "threads=$N"));

        Assert.Equal("threads", ex.Key);
    }

    [Fact]
    public void Load_UnsetEnvironmentVariable_ThrowsNamingVariableAndSource()
    {
        string file = _files.Write("home/.xanalytics.yaml", "\noutput-dir: ${NOT_SET}/out\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal("output-dir", ex.Key);
        Assert.Equal(file, ex.FilePath);
        Assert.Equal(2, ex.Line);
        Assert.Contains("NOT_SET", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnclosedBrace_Throws()
    {
        var ex = Assert.Throws<SettingsException>(() => _files.Load(null, "output-dir=${HOME/x"));

        Assert.Equal("output-dir", ex.Key);
        Assert.Contains("command line", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NestedMapping_FlattensToDottedKeysWhichAreUnknownSettings()
    {
        string file = _files.Write("etc/xanalytics", "threads: 2\ngeoip:\n  database: /geo.mmdb\n  refresh: weekly\n");

        var ex = Assert.Throws<SettingsException>(() => _files.Load());

        Assert.Equal("geoip.database", ex.Key);
        Assert.Equal((file, 3), (ex.FilePath, ex.Line));
        Assert.StartsWith($"{file}:3:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(": unknown setting 'geoip.database'", ex.Message, StringComparison.Ordinal);
    }
}
