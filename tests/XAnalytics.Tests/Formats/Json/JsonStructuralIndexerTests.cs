using System.Text;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Tests.Sources;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Formats.Json;

/// <summary>
/// The fast JSON path may turn a line down (the reader then decides), but what it accepts the reader must accept,
/// with the same layout. Held to that on hand-made edge cases, on generated and real events, and on hundreds of
/// thousands of mutations of them; and held to accepting every valid event, or it would be no fast path.
/// </summary>
public sealed class JsonStructuralIndexerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-fastjson-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> ValidLines => new()
    {
        """{}""",
        """{"a":1}""",
        """{ "a" : 1 , "b" : [ ] , "c" : { } }  """,
        "{\t\"a\"\r\n:\n-0.5e+10}\r\n",
        """{"n":[0,-0,1.5,1e5,1E-5,-12.75e+3,123456789012345678901234567890]}""",
        """{"t":true,"f":false,"z":null,"s":"","o":{"x":[true,false,null]}}""",
        """{"esc":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00","k\"ey":"v"}""",
        """{"lone":"\uD800","slash\\":"\\"}""",
        """{"event":"{\"id\": \"i4x://a/b\", \"code\": \"x\\\\y\"}","page":null}""",
        """{"a":{"b":{"c":{"d":[[[[{"e":"deep"}]]]]}}},"z":0}""",
        """{"dup":1,"dup":2}""",
        """{"uni":"héllo wörld ✓ 𝄞","\u0041":"key escaped"}""",
        """{"del":"a""" + "\u007f" + """b"}""",
    };

    public static TheoryData<string> InvalidLines => new()
    {
        """{""",
        """{"a":1""",
        """{"a":1,}""",
        """{"a":1}}""",
        """{"a":1} x""",
        """{"a":1}{"b":2}""",
        """{"a"}""",
        """{"a":}""",
        """{"a"::1}""",
        """{"a":1 "b":2}""",
        """{"a":[1,]}""",
        """{"a":[1}""",
        """{"a":{1:2}}""",
        """{"a":01}""",
        """{"a":1.}""",
        """{"a":.5}""",
        """{"a":-}""",
        """{"a":1e}""",
        """{"a":+1}""",
        """{"a":tru}""",
        """{"a":truex}""",
        """{"a":nul}""",
        """{"a":True}""",
        """{"a":"x\q"}""",
        """{"a":"x\u12"}""",
        """{"a":"x\u12G4"}""",
        """{"a":"unterminated}""",
        """{"a":"b"c"}""",
        """{"a":\"b"}""",
        """{"a":1/*c*/}""",
        """{'a':1}""",
        "{\"a\":\"tab\tinside\"}",
        "{\"a\":\"nl\ninside\"}",
        "{\"a\":\u0001}",
        "{\"a\":1\u000b}",
        """{"a":NaN}""",
        """{"a":[}]}""",
        """{"a":{]}""",
    };

    [Theory]
    [MemberData(nameof(ValidLines))]
    public void ValidLine_AcceptedWithTheReadersLayout(string line)
    {
        byte[] json = Encoding.UTF8.GetBytes(line);
        Assert.True(IndexedAsReaderDoes(json, out bool fast), "the reader rejects a line the fast path accepted");
        Assert.True(fast, "a valid line went to the slow path");
    }

    [Theory]
    [MemberData(nameof(InvalidLines))]
    public void InvalidLine_TurnedDown(string line)
    {
        byte[] json = Encoding.UTF8.GetBytes(line);
        TopField[] fields = new TopField[4];
        Assert.NotNull(EventIndexer.IndexWithReader(json, 0, ref fields, out _, out _)); // the reader rejects it too
        Assert.False(JsonStructuralIndexer.TryIndex(json, 0, ref fields, out _, out _));
    }

    /// <summary>
    /// Every byte value between tokens and in place of each structural byte: the fast path classifies white space
    /// and structural bytes by a table on the low four bits, where control bytes alias some (0x0C is ',' without
    /// bit 5, 0x1A is ':'), so each verdict is held to the reader's. Templates are padded past 64 bytes so the byte
    /// lands in a full block and in a line's last, partial one. (A table that marked every byte structural, or
    /// none, fails here.)
    /// </summary>
    [Theory]
    [InlineData("{\"a\":1@\"b\":2}")]
    [InlineData("{\"a\"@1}")]
    [InlineData("{\"a\":[1@2]}")]
    [InlineData("{@\"a\":1}")]
    [InlineData("{\"a\":1@}")]
    [InlineData("{\"a\":{\"b\":true@}}")]
    public void AnyByte_BetweenOrForStructuralBytes_ReadAsTheReaderDoes(string template)
    {
        foreach (string shape in (string[])[template, "{\"pad\":\"" + new string('p', 70) + "\"," + template[1..], template[..^1] + ",\"pad\":\"" + new string('p', 70) + "\"}"])
        {
            int at = shape.IndexOf('@', StringComparison.Ordinal);
            byte[] prefix = Encoding.UTF8.GetBytes(shape[..at]);
            byte[] suffix = Encoding.UTF8.GetBytes(shape[(at + 1)..]);
            for (int b = 0; b < 256; b++)
            {
                byte[] json = [.. prefix, (byte)b, .. suffix];
                Assert.True(IndexedAsReaderDoes(json, out _), $"fast path accepted byte 0x{b:X2} in {shape}");
            }
        }
    }

    [Fact]
    public void Escapes_AroundEveryBlockBoundary_ReadAsTheReaderDoes()
    {
        // Runs of backslashes and quotes placed across the 64-byte blocks the masks are built from.
        string[] bodies = ["\\\"", "\\\\", "\\\\\\\"", "\\\\\\\\", "\\u00e9", "\\\\\"", "\"", "\\"];
        int checkedLines = 0;
        for (int pad = 40; pad < 140; pad++)
        {
            foreach (string body in bodies)
            {
                byte[] json = Encoding.UTF8.GetBytes("{\"p\":\"" + new string('x', pad) + body + "\",\"q\":[" + new string(' ', pad % 7) + "1]}");
                bool readerAccepts = ReaderAccepts(json);
                Assert.True(IndexedAsReaderDoes(json, out bool fast));
                Assert.Equal(readerAccepts, fast);
                checkedLines++;
            }
        }

        Assert.Equal(800, checkedLines);
    }

    [Fact]
    public void Nesting_DeeperThanTheBitStack_GoesToTheReader()
    {
        string deep = "{\"a\":" + new string('[', 80) + new string(']', 80) + "}";
        byte[] json = Encoding.UTF8.GetBytes(deep);
        TopField[] fields = new TopField[4];
        Assert.Null(EventIndexer.IndexWithReader(json, 0, ref fields, out _, out _));
        Assert.False(JsonStructuralIndexer.TryIndex(json, 0, ref fields, out _, out _));
        Assert.Null(EventIndexer.TryIndex(json, ref fields, out int count, out _)); // accepted all the same
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task GeneratedEvents_AllAcceptedByTheFastPath_AndTheirMutationsNeverWrongly()
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 3_000, files: 1, courses: 2, learners: 100, days: 1);

        // The generator writes some bad lines, as edX logs have: the events are the lines the reader accepts.
        List<byte[]> lines = ReadLines(Directory.GetFiles(archive, "*.gz", SearchOption.AllDirectories));
        List<byte[]> events = lines.FindAll(l => l[0] == (byte)'{' && ReaderAccepts(l));
        Assert.True(events.Count > 2_900, $"only {events.Count} events");
        int before = s_contextObjects;
        AssertAllFast(events);
        Assert.True(s_contextObjects - before >= events.Count, "the context objects of generated events were not recorded");
        Mutate(lines, mutantsPerLine: 60, seed: 7);
    }

    [SharedCorpusFact]
    public void SharedCorpus_EveryEventAcceptedByTheFastPath_AndMutationsNeverWrongly()
    {
        List<byte[]> lines = ReadLines(Corpus.Files);
        List<byte[]> events = lines.FindAll(l => l[0] == (byte)'{' && ReaderAccepts(l));
        Assert.True(events.Count > 1_000, $"only {events.Count} events in the corpus");
        AssertAllFast(events);
        Mutate(lines, mutantsPerLine: 20, seed: 11);
    }

    private static void AssertAllFast(List<byte[]> events)
    {
        foreach (byte[] json in events)
        {
            Assert.True(IndexedAsReaderDoes(json, out bool fast));
            Assert.True(fast, "a valid event went to the slow path: " + Encoding.UTF8.GetString(json)[..Math.Min(json.Length, 120)]);
        }
    }

    /// <summary>
    /// Damages each line many ways (a byte swapped for one that matters to JSON, a byte dropped or doubled, a cut)
    /// and holds every mutant the fast path accepts to the reader's verdict and layout. Also shows the fast path
    /// is not simply turning mutants down: most mutants the reader accepts, it accepts too.
    /// </summary>
    private static void Mutate(List<byte[]> lines, int mutantsPerLine, int seed)
    {
        byte[] interesting = "\"\\{}[]:, \t\r\n0123456789-+.eEtrufalsn/bxX"u8.ToArray();
        var random = new Random(seed);
        int validMutants = 0;
        int fastMutants = 0;
        foreach (byte[] line in lines)
        {
            for (int m = 0; m < mutantsPerLine; m++)
            {
                byte[] mutant = MutateOnce(line, random, interesting);
                if (mutant.Length == 0 || mutant[0] != (byte)'{' || !System.Text.Unicode.Utf8.IsValid(mutant))
                {
                    continue;
                }

                Assert.True(IndexedAsReaderDoes(mutant, out bool fast), "fast path accepted: " + Encoding.UTF8.GetString(mutant));
                bool valid = ReaderAccepts(mutant);
                validMutants += valid ? 1 : 0;
                fastMutants += fast ? 1 : 0;
            }
        }

        Assert.True(validMutants > 1_000, $"only {validMutants} valid mutants");
        Assert.True(fastMutants >= validMutants * 0.99, $"the fast path took {fastMutants} of {validMutants} valid mutants");
    }

    private static byte[] MutateOnce(byte[] line, Random random, byte[] interesting)
    {
        int at = random.Next(line.Length);
        int kind = random.Next(5);
        int count = 1 + (random.Next(4) == 0 ? random.Next(3) : 0);
        var bytes = new List<byte>(line);
        for (int c = 0; c < count && bytes.Count > 1; c++)
        {
            at = Math.Min(at, bytes.Count - 1);
            switch (kind)
            {
                case 0:
                case 1:
                    bytes[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }

            at = random.Next(Math.Max(1, bytes.Count));
        }

        return [.. bytes];
    }

    /// <summary>
    /// True unless the fast path accepted <paramref name="json"/> and the reader did not, or indexed it
    /// differently. <paramref name="fast"/> tells whether the fast path accepted it.
    /// </summary>
    private static bool IndexedAsReaderDoes(byte[] json, out bool fast)
    {
        TopField[] fastFields = new TopField[2]; // small: the fast path must grow it as the reader path does
        fast = JsonStructuralIndexer.TryIndex(json, 0, ref fastFields, out int fastCount, out _);
        if (!fast)
        {
            return true;
        }

        TopField[] readerFields = new TopField[2];
        if (EventIndexer.IndexWithReader(json, 0, ref readerFields, out int readerCount, out _) is not null)
        {
            return false;
        }

        Assert.Equal(readerFields.AsSpan(0, readerCount).ToArray(), fastFields.AsSpan(0, fastCount).ToArray());

        // The same line with the context's members recorded: the same fields, and the test assembly's check
        // (EventIndexer.VerifyFastPath) holds the members to the reader's index of the last context object.
        var context = new ContextIndex { Members = new TopField[1] };
        Assert.True(JsonStructuralIndexer.TryIndex(json, 0, ref fastFields, out int withContext, out _, ref context));
        Assert.Equal(fastCount, withContext);
        Assert.True(EventIndexer.VerifyFastPath);
        Assert.Null(EventIndexer.TryIndex(json, ref fastFields, out _, out _, ref context));
        s_contextObjects += context.Field >= 0 ? 1 : 0;
        return true;
    }

    /// <summary>Lines whose context members were recorded, so the tests above show they were (not only skipped).</summary>
    private static int s_contextObjects;

    private static bool ReaderAccepts(byte[] json)
    {
        TopField[] fields = new TopField[8];
        return EventIndexer.IndexWithReader(json, 0, ref fields, out _, out _) is null;
    }

    private static List<byte[]> ReadLines(IEnumerable<string> files)
        => TestArchives.ReadLines(files).ConvertAll(static line => Encoding.UTF8.GetBytes(line));
}
