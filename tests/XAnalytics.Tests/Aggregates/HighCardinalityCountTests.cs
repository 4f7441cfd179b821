using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Internal;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Aggregates;

/// <summary>
/// Counts of many distinct values (URL event types of real logs): past <see cref="CountAggregate.ShareAbove"/> values
/// the workers share one striped table, and the rows are sorted from the tables' bytes; both must give what a plain
/// dictionary and <see cref="string.CompareOrdinal(string, string)"/> give.
/// </summary>
public sealed class HighCardinalityCountTests
{
    [Fact]
    public async Task Count_MoreDistinctValuesThanOneWorkerKeeps_SameRowsAndOrderOnOneAndFourThreads_AsADictionary()
    {
        using var dir = new TempDir();
        var random = new Random(5);
        var expected = new Dictionary<(string, bool), long>();
        for (int f = 0; f < 6; f++)
        {
            var lines = new StringBuilder();
            for (int i = 0; i < 12_000; i++)
            {
                // Mostly unique URL paths, some repeated, some numbers (JSON, not strings) written like a string.
                int n = random.Next(60_000);
                bool number = n % 97 == 0;
                string value = number ? (n / 97).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"/courses/X/xblock/{n:x8}/handler";
                lines.Append(number ? $"{{\"event_type\":{value}}}\n" : $"{{\"event_type\":\"{value}\"}}\n");
                expected[(value, number)] = expected.GetValueOrDefault((value, number)) + 1;
            }

            dir.WriteGzip($"f{f}.log.gz", lines.ToString());
        }

        Assert.True(expected.Count > CountAggregate.ShareAbove * 2, "the test must pass the sharing threshold");
        (_, CountResult one) = await Run.CountAsync(Run.Options([dir.Root], threads: 1), "event_type");
        (_, CountResult four) = await Run.CountAsync(Run.Options([dir.Root], threads: 4), "event_type");

        string[] wanted = [.. expected
            .OrderByDescending(static p => p.Value)
            .ThenBy(static p => p.Key.Item1, StringComparer.Ordinal)
            .ThenBy(static p => p.Key.Item2)
            .Select(static p => $"{p.Key.Item1}|{p.Key.Item2}={p.Value}")];
        Assert.Equal(wanted, one.Rows!.Select(Show));
        Assert.Equal(wanted, four.Rows!.Select(Show));
    }

    [Fact]
    public void SharedCounter_TwoThreadsAddingTheSameKeys_CountsEveryAdd()
    {
        var shared = new SharedUtf8Counter();
        byte[][] keys = [.. Enumerable.Range(0, 5000).Select(static i => Encoding.UTF8.GetBytes($"key-{i}"))];

        Parallel.For(0, 4, _ =>
        {
            for (int round = 0; round < 10; round++)
            {
                foreach (byte[] key in keys)
                {
                    shared.Add(key, 1);
                }
            }
        });

        Assert.Equal(5000, shared.Count);
        int seen = 0;
        foreach (Utf8Counter stripe in shared.Stripes)
        {
            Utf8Counter.Cursor records = stripe.Records();
            while (records.MoveNext())
            {
                Assert.Equal(40, records.Count);
                seen++;
            }
        }

        Assert.Equal(5000, seen);
    }

    [Fact]
    public void Utf8Counter_ReleaseIndexThenAdd_RebuildsAndCountsIntoTheSameRecords()
    {
        var counter = new Utf8Counter();
        for (int i = 0; i < 3000; i++)
        {
            counter.Add(Encoding.UTF8.GetBytes($"page-{i % 1000}"), i);
        }

        counter.ReleaseIndex();
        counter.Add("page-7"u8, 1_000_000);
        counter.Add("page-new"u8, 5);

        var counts = new Dictionary<string, long>();
        Utf8Counter.Cursor records = counter.Records();
        while (records.MoveNext())
        {
            counts.Add(Encoding.UTF8.GetString(records.Key), records.Count);
        }

        Assert.Equal(1001, counter.Count);
        Assert.Equal(1001, counts.Count);
        Assert.Equal(7 + 1007 + 2007 + 1_000_000, counts["page-7"]);
        Assert.Equal(999 + 1999 + 2999, counts["page-999"]);
        Assert.Equal(5, counts["page-new"]);
    }

    [Fact]
    public void Utf8Counter_KeysThatAreEmptyOrPrefixesOfEachOther_DistinctRecords()
    {
        var counter = new Utf8Counter();
        byte[][] keys = [[], [0], [0, 0], "a"u8.ToArray(), "ab"u8.ToArray(), new byte[70_000], new byte[70_001]];
        foreach (byte[] key in keys)
        {
            counter.Add(key, key.Length + 1);
            counter.Add(key, 1);
        }

        Assert.Equal(keys.Length, counter.Count);
        var seen = new List<(int Length, long Count)>();
        Utf8Counter.Cursor records = counter.Records();
        while (records.MoveNext())
        {
            seen.Add((records.Key.Length, records.Count));
        }

        Assert.Equal(keys.Select(static k => (k.Length, (long)k.Length + 2)).Order(), seen.Order());
    }

    [Fact]
    public void Utf8Counter_KeysAcrossChunksAndOneLongerThanAChunk_KeptExactly()
    {
        var counter = new Utf8Counter();
        var expected = new Dictionary<string, long>();
        for (int i = 0; i < 40_000; i++)
        {
            string key = $"/a/long/shared/prefix/{i % 30_000}/" + new string('x', i % 50);
            counter.Add(Encoding.UTF8.GetBytes(key), 1);
            expected[key] = expected.GetValueOrDefault(key) + 1;
        }

        string huge = new('h', 600_000);
        counter.Add(Encoding.UTF8.GetBytes(huge), 7);
        expected[huge] = 7;

        Assert.Equal(expected.Count, counter.Count);
        var seen = new HashSet<string>();
        Utf8Counter.Cursor records = counter.Records();
        while (records.MoveNext())
        {
            string key = Encoding.UTF8.GetString(records.Key);
            Assert.Equal(expected[key], records.Count);
            Assert.True(seen.Add(key), "a key stored twice");
        }

        Assert.Equal(expected.Count, seen.Count);

        Assert.True(counter.ArenaBytes < 4_000_000, $"arena {counter.ArenaBytes} bytes for about 2.5 MB of keys");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CompareOrdinalUtf16_AgreesWithStringCompareOrdinalOfTheDecodedText(int seed)
    {
        // Characters where UTF-8 byte order and UTF-16 order part: above U+FFFF against U+E000-U+FFFF; plus invalid
        // bytes (decoded as U+FFFD), continuation bytes, and shared prefixes of every length.
        string[] pieces = ["a", "b", "é", "\uE000", "\uFFFD", "\uFF21", "😀", "𝄞", "\u0000", "€", "z"];
        byte[][] invalid = [[0xFF], [0xC3], [0x80], [0xE2, 0x82], [0xF0, 0x9F], [0xED, 0xA0, 0x80]];
        var random = new Random(seed);
        var samples = new List<byte[]>();
        for (int i = 0; i < 400; i++)
        {
            var bytes = new List<byte>();
            int parts = random.Next(6);
            for (int p = 0; p < parts; p++)
            {
                bytes.AddRange(random.Next(8) == 0 ? invalid[random.Next(invalid.Length)] : Encoding.UTF8.GetBytes(pieces[random.Next(pieces.Length)]));
            }

            samples.Add([.. bytes]);
        }

        foreach (byte[] a in samples)
        {
            foreach (byte[] b in samples)
            {
                int expected = Math.Sign(string.CompareOrdinal(Encoding.UTF8.GetString(a), Encoding.UTF8.GetString(b)));
                int actual = Math.Sign(Utf8Text.CompareOrdinalUtf16(a, b));
                Assert.True(expected == actual, $"{Convert.ToHexString(a)} vs {Convert.ToHexString(b)}: {actual}, string.CompareOrdinal {expected}");
            }
        }
    }

    private static string Show(CountRow row) => $"{row.Values[0]}|{row.IsJson[0]}={row.Count}";
}
