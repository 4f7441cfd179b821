using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using XAnalytics.Generation;

namespace XAnalytics.Tests.Generation;

public sealed partial class ArchiveGeneratorTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "xa-gen-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task GenerateAsync_SameSeed_ByteIdenticalFiles()
    {
        GenerationResult a = await Generate("a", o => o with { MaxDegreeOfParallelism = 1 });
        GenerationResult b = await Generate("b", o => o with { MaxDegreeOfParallelism = 3 });

        Assert.Equal(a.Files.Count, b.Files.Count);
        for (int i = 0; i < a.Files.Count; i++)
        {
            Assert.Equal(Path.GetFileName(a.Files[i].Path), Path.GetFileName(b.Files[i].Path));
            Assert.Equal(await File.ReadAllBytesAsync(a.Files[i].Path), await File.ReadAllBytesAsync(b.Files[i].Path));
        }
    }

    [Fact]
    public async Task GenerateAsync_DifferentSeed_DifferentContent()
    {
        GenerationResult a = await Generate("a");
        GenerationResult b = await Generate("b", o => o with { Seed = 2 });

        Assert.NotEqual(ReadLines(a.Files[0].Path)[0], ReadLines(b.Files[0].Path)[0]);
    }

    [Fact]
    public async Task GenerateAsync_GoodLines_HaveRequiredFieldsAndBrowserEventsAreStrings()
    {
        GenerationResult result = await Generate("g", o => o with { BadRate = 0.01 });
        long bad = 0;
        foreach (GeneratedFile file in result.Files)
        {
            foreach (byte[] line in ReadLines(file.Path))
            {
                using JsonDocument? doc = TryParse(line);
                if (doc is null)
                {
                    bad++;
                    continue;
                }

                JsonElement e = doc.RootElement;
                foreach (string name in (string[])["username", "event_type", "event_source", "time", "context", "ip", "agent", "host", "session", "page", "event"])
                {
                    Assert.True(e.TryGetProperty(name, out _), $"missing {name}: {e}");
                }

                Assert.Matches(TimeFormat(), e.GetProperty("time").GetString());
                Assert.Equal(JsonValueKind.Object, e.GetProperty("context").ValueKind);
                Assert.True(e.GetProperty("context").TryGetProperty("path", out _));
                string source = e.GetProperty("event_source").GetString()!;
                Assert.Contains(source, (string[])["server", "browser", "mobile", "task"]);
                if (source == "browser")
                {
                    Assert.Equal(JsonValueKind.String, e.GetProperty("event").ValueKind);
                }
            }
        }

        Assert.Equal(result.BadLines, bad);
        Assert.Equal(result.Lines - result.BadLines, result.Events);
    }

    [Fact]
    public async Task GenerateAsync_BadRateZero_OnlyValidJsonLines()
    {
        GenerationResult result = await Generate("z", o => o with { BadRate = 0 });

        Assert.Equal(0, result.BadLines);
        foreach (GeneratedFile file in result.Files)
        {
            foreach (byte[] line in ReadLines(file.Path))
            {
                using JsonDocument? doc = TryParse(line);
                Assert.NotNull(doc);
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_BadRate_RoughlyRequestedShareWithEachKind()
    {
        GenerationResult result = await Generate("r", o => o with { Events = 20_000, BadRate = 0.05 });
        int bad = 0, blank = 0, truncated = 0, atLimit = 0, total = 0;
        foreach (GeneratedFile file in result.Files)
        {
            foreach (byte[] line in ReadLines(file.Path))
            {
                total++;
                using JsonDocument? doc = TryParse(line);
                if (doc is not null)
                {
                    continue;
                }

                bad++;
                blank += line.AsSpan().Trim((byte)' ').IsEmpty ? 1 : 0;
                truncated += line.Length > 0 && line[0] == '{' ? 1 : 0;
                atLimit += line.Length is 2043 or 10_000 or 32_000 ? 1 : 0;
            }
        }

        Assert.Equal(20_000, total);
        Assert.InRange(bad / (double)total, 0.04, 0.06);
        Assert.True(blank > 0 && truncated > 0 && atLimit > 0 && bad - blank - truncated > 0, $"bad {bad}, blank {blank}, truncated {truncated}, at limit {atLimit}");
    }

    [Fact]
    public async Task GenerateAsync_Layout_ServerFoldersRotatedNamesAndTimeOrder()
    {
        GenerationResult result = await Generate("l", o => o with { Files = 6, Servers = 3, Days = 4 });

        Assert.Equal(6, result.Files.Count);
        Assert.Equal(["prod-edxapp-001", "prod-edxapp-002", "prod-edxapp-003"], Directory.GetDirectories(Path.Combine(_root, "l")).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "l"), "*.tmp", SearchOption.AllDirectories));
        foreach (GeneratedFile file in result.Files)
        {
            Match m = FileName().Match(Path.GetFileName(file.Path));
            Assert.True(m.Success, file.Path);
            Assert.Equal(file.To.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), m.Groups[1].Value);
            Assert.InRange(long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - file.To.ToUnixTimeSeconds(), 1, 60);
            Assert.Equal(file.Server, Path.GetFileName(Path.GetDirectoryName(file.Path)));

            string previous = "";
            foreach (byte[] line in ReadLines(file.Path))
            {
                using JsonDocument? doc = TryParse(line);
                string time = doc?.RootElement.GetProperty("time").GetString() ?? previous;
                Assert.True(string.CompareOrdinal(previous, time) <= 0, $"{previous} > {time}");
                Assert.InRange(DateTimeOffset.Parse(time.Length > 0 ? time : "2015-03-01T00:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture), file.From, file.To);
                previous = time;
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_RealLogShape_DistinctEventTypesGrowWithTheArchive_SyntheticDoNot()
    {
        static (int Types, int Events) DistinctTypes(GenerationResult result)
        {
            var types = new HashSet<string>(StringComparer.Ordinal);
            int events = 0;
            foreach (GeneratedFile file in result.Files)
            {
                foreach (byte[] line in ReadLines(file.Path))
                {
                    using JsonDocument doc = JsonDocument.Parse(line);
                    types.Add(doc.RootElement.GetProperty("event_type").GetString()!);
                    events++;
                }
            }

            return (types.Count, events);
        }

        (int realTypes, int realEvents) = DistinctTypes(await Generate("r", o => o with { Events = 20_000, BadRate = 0, Shape = ArchiveShape.RealLog, Learners = 5_000 }));
        (int synthTypes, _) = DistinctTypes(await Generate("s", o => o with { Events = 20_000, BadRate = 0 }));

        // Real logs: about 0.3 distinct URL event types per event (a thread or block page of its own for page views,
        // an account URL per learner); the synthetic shape keeps its few hundred.
        Assert.InRange(realTypes, realEvents / 5, realEvents / 2);
        Assert.True(synthTypes < 1_000, $"{synthTypes} distinct event types in the synthetic shape");
    }

    [Fact]
    public async Task GenerateAsync_EventMix_ContainsEveryFamilyAndIdShape()
    {
        GenerationResult result = await Generate("m", o => o with { Events = 6_000, BadRate = 0 });
        var types = new HashSet<string>();
        var sources = new HashSet<string>();
        bool v1 = false, slash = false, block = false, i4x = false, noCourse = false, unicode = false, problemQuery = false, serverProblem = false;
        foreach (GeneratedFile file in result.Files)
        {
            foreach (byte[] line in ReadLines(file.Path))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement e = doc.RootElement;
                string type = e.GetProperty("event_type").GetString()!;
                string source = e.GetProperty("event_source").GetString()!;
                types.Add(type.StartsWith("/courses/", StringComparison.Ordinal) ? "/courses/" : type);
                sources.Add(source);
                JsonElement context = e.GetProperty("context");
                string courseId = context.TryGetProperty("course_id", out JsonElement c) ? c.GetString()! : "";
                v1 |= courseId.StartsWith("course-v1:", StringComparison.Ordinal);
                slash |= courseId.Count(ch => ch == '/') == 2;
                noCourse |= courseId.Length == 0;
                string text = e.ToString();
                block |= text.Contains("block-v1:", StringComparison.Ordinal);
                i4x |= text.Contains("i4x://", StringComparison.Ordinal);
                unicode |= type.StartsWith("edx.forum.", StringComparison.Ordinal) && text.Any(ch => ch > 0x2E80);
                if (type == "problem_check")
                {
                    problemQuery |= source == "browser" && e.GetProperty("event").GetString()!.Contains("input_", StringComparison.Ordinal);
                    serverProblem |= source == "server" && e.GetProperty("event").TryGetProperty("correct_map", out _) && context.TryGetProperty("module", out _);
                }
            }
        }

        string[] expected =
        [
            "/courses/", "/dashboard", "play_video", "pause_video", "seek_video", "load_video", "stop_video", "speed_change_video",
            "seq_goto", "seq_next", "seq_prev", "page_close", "problem_check", "edx.course.enrollment.activated",
            "edx.forum.thread.created", "edx.forum.response.created", "edx.forum.comment.created", "edx.video.played",
        ];
        foreach (string type in expected)
        {
            Assert.Contains(type, types);
        }

        Assert.Equal(["browser", "mobile", "server", "task"], sources.Order());
        Assert.True(v1 && slash && block && i4x && noCourse, $"v1 {v1} slash {slash} block {block} i4x {i4x} noCourse {noCourse}");
        Assert.True(unicode && problemQuery && serverProblem, $"unicode {unicode} query {problemQuery} server {serverProblem}");
    }

    [Fact]
    public async Task GenerateAsync_LinkClicksAndSavedTags_ShapedAsEdxLogsThem()
    {
        GenerationResult result = await Generate("t", o => o with { Events = 20_000, BadRate = 0 });
        int clicks = 0, external = 0, internalClicks = 0, serverChecks = 0, tagged = 0;
        var difficulties = new HashSet<string>();
        var tagsByProblem = new Dictionary<string, string>();
        foreach (GeneratedFile file in result.Files)
        {
            foreach (byte[] line in ReadLines(file.Path))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement e = doc.RootElement;
                string type = e.GetProperty("event_type").GetString()!;
                if (type == "edx.ui.lms.link_clicked")
                {
                    clicks++;
                    Assert.Equal("browser", e.GetProperty("event_source").GetString());
                    Assert.StartsWith("/courses/", new Uri(e.GetProperty("page").GetString()!).AbsolutePath, StringComparison.Ordinal);
                    using JsonDocument inner = JsonDocument.Parse(e.GetProperty("event").GetString()!);
                    string current = inner.RootElement.GetProperty("current_url").GetString()!;
                    string target = inner.RootElement.GetProperty("target_url").GetString()!;
                    Assert.Equal(e.GetProperty("page").GetString(), current);
                    bool sameHost = Uri.TryCreate(target, UriKind.Absolute, out Uri? t) && t.Host == new Uri(current).Host;
                    external += sameHost ? 0 : 1;
                    internalClicks += sameHost ? 1 : 0;
                }
                else if (type == "problem_check" && e.GetProperty("event_source").GetString() == "server")
                {
                    serverChecks++;
                    JsonElement asides = e.GetProperty("context").GetProperty("asides");
                    string problem = e.GetProperty("event").GetProperty("problem_id").GetString()!;
                    string tags = asides.TryGetProperty("tagging_aside", out JsonElement aside) ? aside.GetProperty("saved_tags").GetRawText() : "";
                    if (tags.Length > 0)
                    {
                        tagged++;
                        difficulties.Add(aside.GetProperty("saved_tags").GetProperty("difficulty").GetString()!);
                    }

                    // A problem's tags are the course team's: the same in every submission to it.
                    Assert.Equal(tagsByProblem.GetValueOrDefault(problem, tags), tags);
                    tagsByProblem[problem] = tags;
                }
            }
        }

        Assert.True(clicks > 50 && external > 10 && internalClicks > 10, $"clicks {clicks}, external {external}, internal {internalClicks}");
        Assert.True(tagged > serverChecks / 3 && tagged < serverChecks, $"tagged {tagged} of {serverChecks} server problem_check events");
        Assert.Equal(["Easy", "Hard", "Medium"], difficulties.Order());
    }

    [Fact]
    public async Task GenerateAsync_InvalidOptions_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Generate("x", o => o with { Files = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Generate("x", o => o with { BadRate = 1.5 }));
        await Assert.ThrowsAsync<ArgumentException>(() => ArchiveGenerator.GenerateAsync(new GeneratorOptions()));
    }

    [Fact]
    public async Task GenerateCommand_Arguments_WritesArchive()
    {
        string dir = Path.Combine(_root, "cli");
        int exit = await XAnalytics.Cli.Commands.GenerateCommand.Create()
            .Parse(new[] { dir, "--events", "500", "--files", "2", "--days", "2", "--seed", "7" })
            .InvokeAsync()
            .WaitAsync(s_timeout);

        Assert.Equal(0, exit);
        Assert.Equal(2, Directory.GetFiles(dir, "*.gz", SearchOption.AllDirectories).Length);
    }

    private Task<GenerationResult> Generate(string name, Func<GeneratorOptions, GeneratorOptions>? change = null)
    {
        var options = new GeneratorOptions
        {
            OutputDirectory = Path.Combine(_root, name),
            Events = 3_000,
            Files = 3,
            Courses = 4,
            Learners = 300,
            Days = 3,
        };
        return ArchiveGenerator.GenerateAsync(change is null ? options : change(options)).WaitAsync(s_timeout);
    }

    private static List<byte[]> ReadLines(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        byte[] all = memory.ToArray();
        Assert.Equal((byte)'\n', all[^1]);
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] == '\n')
            {
                lines.Add(all[start..i]);
                start = i + 1;
            }
        }

        return lines;
    }

    private static JsonDocument? TryParse(byte[] line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")]
    private static partial Regex TimeFormat();

    [GeneratedRegex(@"^tracking\.log-(\d{8})-(\d{10})\.gz$")]
    private static partial Regex FileName();
}
