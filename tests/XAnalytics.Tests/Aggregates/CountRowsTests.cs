using System.Buffers.Binary;
using System.Text;
using XAnalytics.Aggregates;
using XAnalytics.Internal;

namespace XAnalytics.Tests.Aggregates;

/// <summary>
/// The order of a count's rows (most frequent first, then <see cref="FieldKey.Compare"/>: missing first, UTF-16
/// ordinal, a string before the same JSON text, field by field) as <see cref="CountRows"/> sorts them by windows of
/// key bytes, pinned against a sort with <see cref="FieldKey.Compare"/> itself on the cases windows get wrong first.
/// </summary>
public sealed class CountRowsTests
{
    private const byte Missing = 0;
    private const byte Text = 1;
    private const byte Json = 2;

    [Fact]
    public void Sorted_EqualCountsPrefixesAndLongKeys_CountThenOrdinalShorterFirst()
    {
        string shared = new('a', 40); // longer than two windows
        (string Value, long Count)[] rows =
        [
            ("b", 3), ("a", 3), ("", 3), ("ab", 3), ("a\0", 3), ("abc", 5),
            (shared, 1), (shared + "b", 1), (shared + "a", 1), (shared[..15], 1), (shared[..16], 1), (shared[..14] + "b", 1),
        ];

        string[] sorted = Show(Sort(rows.Select(static r => (Key((Text, r.Value)), r.Count)), 1), 1);

        Assert.Equal(
            [
                "abc=5", "=3", "a=3", "a\0=3", "ab=3", "b=3",
                shared[..15] + "=1", shared[..16] + "=1", shared + "=1", shared + "a=1", shared + "b=1", shared[..14] + "b=1",
            ],
            sorted);
    }

    [Fact]
    public void Sorted_StringAndJsonWrittenAlike_StringFirst_MissingBeforeEmpty()
    {
        (byte[] Key, long Count)[] rows =
        [
            (Key((Json, "5")), 2), (Key((Text, "5")), 2), (Key((Text, "")), 2), (Key((Missing, null)), 2),
            (Key((Json, "true")), 2), (Key((Text, "true")), 2), (Key((Json, "{\"a\":1}")), 2),
        ];

        Assert.Equal(["(missing)=2", "=2", "5=2", "5(json)=2", "true=2", "true(json)=2", "{\"a\":1}(json)=2"], Show(Sort(rows, 1), 1));
        AssertSameOrderAsCompare(rows, 1);
    }

    [Fact]
    public void Sorted_NonAscii_Utf16OrdinalOrder()
    {
        // U+1F600 (a surrogate pair in UTF-16, F0 in UTF-8) sorts before U+E000 and U+FFFD (EE, EF) in UTF-16 ordinal
        // order, though its UTF-8 bytes are larger; U+D7FF (ED) before all of them.
        string[] values = ["\uFFFD", "\uE000", "😀", "\uD7FF", "é", "z", "\u00FF", "😀a", "\uE000a", "😁", "日本"];
        (byte[] Key, long Count)[] rows = [.. values.Select(static v => (Key((Text, v)), 1L))];

        string[] expected = [.. values.Order(StringComparer.Ordinal).Select(static v => v + "=1")];
        Assert.Equal(expected, Show(Sort(rows, 1), 1));
        Assert.Equal("😀=1", expected[Array.IndexOf(expected, "\uD7FF=1") + 1]);
    }

    [Fact]
    public void Sorted_MultiFieldKeys_FieldByField()
    {
        (byte[] Key, long Count)[] rows =
        [
            (Key((Text, "course-b"), (Text, "2015-03-02")), 4),
            (Key((Text, "course-a"), (Text, "2015-03-02")), 4),
            (Key((Text, "course-a"), (Missing, null)), 4),
            (Key((Text, "course-a"), (Text, "2015-03-01")), 4),
            (Key((Text, "course-a2"), (Text, "2015-03-01")), 4),
            (Key((Missing, null), (Text, "2015-03-03")), 4),
            (Key((Text, "course"), (Text, "z")), 4),
            (Key((Json, "7"), (Text, "a")), 4),
            (Key((Text, "7"), (Text, "b")), 4),
        ];

        Assert.Equal(
            [
                "(missing)|2015-03-03=4", "7|b=4", "7(json)|a=4", "course|z=4", "course-a|(missing)=4", "course-a|2015-03-01=4",
                "course-a|2015-03-02=4", "course-a2|2015-03-01=4", "course-b|2015-03-02=4",
            ],
            Show(Sort(rows, 2), 2));
        AssertSameOrderAsCompare(rows, 2);
    }

    [Fact]
    public void Sorted_InvalidUtf8_SortedAsItsDecodedText()
    {
        (byte[] Key, long Count)[] rows =
        [
            (Raw(Text, [0x61, 0xFF]), 1), (Raw(Text, [0x61, 0xEE, 0x80, 0x80]), 1), (Raw(Text, [0x61, 0xF0, 0x9F, 0x98, 0x80]), 1),
            (Raw(Text, [0x61, 0xC3]), 1), (Key((Text, "a")), 1), (Key((Text, "ab")), 1),
        ];

        AssertSameOrderAsCompare(rows, 1);
    }

    [Fact]
    public void Sorted_RandomKeysOverManyTables_SameOrderAsCompare()
    {
        var random = new Random(16);
        string[] alphabet = ["a", "b", "/", "\0", "é", "\uE000", "\uFFFD", "😀", "日", "\u007F", "\u0080"];
        var keys = new Dictionary<string, (byte[] Key, long Count)>();
        for (int fields = 1; fields <= 3; fields++)
        {
            keys.Clear();
            while (keys.Count < 4000)
            {
                var parts = new (byte Tag, string? Value)[fields];
                for (int f = 0; f < fields; f++)
                {
                    int kind = random.Next(10);
                    var value = new StringBuilder(random.Next(4) == 0 ? "/courses/VoceX/CI169x/2015_Spring/xblock/" : "");
                    int length = random.Next(random.Next(2) == 0 ? 4 : 40);
                    for (int i = 0; i < length; i++)
                    {
                        value.Append(alphabet[random.Next(alphabet.Length)]);
                    }

                    parts[f] = kind == 0 ? (Missing, null) : (kind == 1 ? Json : Text, value.ToString());
                }

                byte[] key = Key(parts);
                keys[Convert.ToBase64String(key)] = (key, random.Next(1, 4));
            }

            AssertSameOrderAsCompare([.. keys.Values], fields, tables: 7);
        }
    }

    [Fact]
    public void Sorted_MoreRowsThanOneThreadSorts_SameOrderAsCompare()
    {
        // Above CountRows' parallel threshold: the ties are broken by several workers.
        var random = new Random(17);
        var keys = new Dictionary<string, (byte[] Key, long Count)>();
        string[] kinds = ["courseware", "xblock", "discussion/forum"];
        while (keys.Count < 70_000)
        {
            string value = $"/courses/VoceX/CI169x/2015_Spring/{kinds[random.Next(kinds.Length)]}/{random.Next(200_000):x6}";
            keys[value] = (Key((Text, value)), random.Next(20) == 0 ? random.Next(2, 5) : 1);
        }

        AssertSameOrderAsCompare([.. keys.Values], 1, tables: 64);
    }

    [Fact]
    public void Sorted_CountsAboveAndBelowTheArrayOfSmallCounts_SameOrderAsCompare()
    {
        // The counting sort places counts below 1,024 through an array and the rest through a dictionary; counts
        // read from a partial file may be above long's range of a count (read as negative).
        var random = new Random(23);
        var keys = new Dictionary<string, (byte[] Key, long Count)>();
        long[] counts = [0, 1, 2, 1023, 1024, 1025, 5000, long.MaxValue, -1, long.MinValue];
        while (keys.Count < 3000)
        {
            string value = $"v{random.Next(100_000)}";
            long count = random.Next(3) == 0 ? counts[random.Next(counts.Length)] : random.Next(0, 3000);
            keys[value] = (Key((Text, value)), count);
        }

        AssertSameOrderAsCompare([.. keys.Values], 1, tables: 3);
    }

    [Fact]
    public void Sorted_LongSharedPrefixesOfEveryLength_SameOrderAsCompare()
    {
        // Runs that stay equal jump past the prefix they share: keys that share 0 to 80 bytes, end inside it, or
        // differ right after a window's end.
        var keys = new Dictionary<string, (byte[] Key, long Count)>();
        string shared = string.Concat(Enumerable.Range(0, 90).Select(static i => (char)('a' + (i % 26))));
        for (int length = 0; length <= 80; length++)
        {
            foreach (string tail in new[] { "", "!", "~", "é", "\uE000", "😀x" })
            {
                string value = shared[..length] + tail;
                keys.TryAdd(value, (Key((Text, value)), 1 + (length % 2)));
                keys.TryAdd("json:" + value, (Key((Json, value)), 1));

                // A count of their own: the whole run shares 31 to 70 bytes, then ends or differs.
                string deep = "~" + shared[..(30 + (length % 40))] + tail;
                keys.TryAdd("deep:" + deep, (Key((Text, deep)), 7));
            }
        }

        AssertSameOrderAsCompare([.. keys.Values], 1, tables: 5);
    }

    [Fact]
    public void Visit_RowsAsBytes_SameValuesAndCountsAsTheDecodedRows()
    {
        (byte[] Key, long Count)[] rows = [(Key((Text, "é\tx"), (Missing, null)), 2), (Key((Json, "12"), (Text, "")), 9)];
        CountRows sorted = Sort(rows, 2);
        var visitor = new Recorder();

        new CountResult(11, 0, sorted).VisitRows(visitor);
        var fromStrings = new Recorder();
        new CountResult(11, 0, [.. sorted]).VisitRows(fromStrings);

        Assert.Equal(["12(Json)|(Text)=9", "é\tx(Text)|(Missing)=2"], visitor.Rows);
        Assert.Equal(visitor.Rows, fromStrings.Rows);
    }

    private static void AssertSameOrderAsCompare((byte[] Key, long Count)[] rows, int fields, int tables = 1)
    {
        var expected = rows.ToList();
        expected.Sort((x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : FieldKey.Compare(x.Key, y.Key, fields));
        CountRows sorted = Sort(rows, fields, tables);
        Assert.Equal(expected.Count, sorted.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            CountRow want = Row(expected[i].Key, expected[i].Count, fields);
            Assert.True(
                want.Values.SequenceEqual(sorted[i].Values) && want.IsJson.SequenceEqual(sorted[i].IsJson) && want.Count == sorted[i].Count,
                $"row {i}: expected {Show(want)}, got {Show(sorted[i])}");
        }
    }

    private static CountRows Sort(IEnumerable<(byte[] Key, long Count)> rows, int fields, int tables = 1)
    {
        var counters = new Utf8Counter[tables];
        for (int i = 0; i < tables; i++)
        {
            counters[i] = new Utf8Counter();
        }

        int at = 0;
        foreach ((byte[] key, long count) in rows)
        {
            counters[at++ % tables].Add(key, count);
        }

        return CountRows.Sorted(counters, fields);
    }

    private static CountRow Row(byte[] key, long count, int fields)
    {
        bool[] isJson = new bool[fields];
        return new CountRow(FieldKey.Decode(key, fields, isJson), count) { IsJson = isJson };
    }

    private static string[] Show(CountRows rows, int fields) => [.. rows.Select(Show)];

    private static string Show(CountRow row)
        => string.Join('|', row.Values.Select((v, i) => v is null ? "(missing)" : row.IsJson[i] ? v + "(json)" : v)) + "=" + row.Count;

    private static byte[] Key(params (byte Tag, string? Value)[] fields)
    {
        var key = new List<byte>();
        foreach ((byte tag, string? value) in fields)
        {
            key.AddRange(tag == Missing ? [Missing] : Raw(tag, Encoding.UTF8.GetBytes(value!)));
        }

        return [.. key];
    }

    private static byte[] Raw(byte tag, byte[] value)
    {
        byte[] key = new byte[5 + value.Length];
        key[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(key.AsSpan(1), value.Length);
        value.CopyTo(key, 5);
        return key;
    }

    private sealed class Recorder : ICountRowVisitor
    {
        private readonly List<string> _values = [];

        public List<string> Rows { get; } = [];

        public void Value(ReadOnlySpan<byte> utf8, CountValueKind kind)
            => _values.Add(kind == CountValueKind.Missing ? "(Missing)" : $"{Encoding.UTF8.GetString(utf8)}({kind})");

        public void EndRow(long count)
        {
            Rows.Add(string.Join('|', _values) + "=" + count);
            _values.Clear();
        }
    }
}
