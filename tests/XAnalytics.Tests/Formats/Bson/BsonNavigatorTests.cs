using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Bson;
using XAnalytics.Internal;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Formats.Bson;

/// <summary>
/// BSON batches stay BSON until JSON is asked for: the reader's check must accept exactly what the decoder
/// converts, and fields read from the BSON must be the fields of its JSON.
/// </summary>
public sealed class BsonNavigatorTests
{
    private static readonly string[] s_events =
    [
        """{"username":"u1","event_type":"play_video","event_source":"browser","time":"2015-03-01T10:00:00.123456+00:00","context":{"course_id":"course-v1:MITx+6.00x+2015","user_id":12,"module":{"display_name":"Lecture \"1\"","usage_key":"block-v1:x"}},"event":"{\"id\":\"i4x-video\",\"currentTime\":12.5}","page":null,"n":42,"big":9007199254740993,"d":0.25,"t":true,"f":false,"a":[1,"two",{"three":3},[4]]}""",
        """{"event_type":"/courses/x/courseware/","context":{"course_id":"","path":"/x"},"event":{"GET":{},"POST":{"k":["v"]}},"name":"Zoë ∑ 😀","esc":"tab\tnew\nline\u0001","dup":1,"dup":"last"}""",
        """{"event_type":"problem_check","event":{"correct_map":{"q1":{"correctness":"correct","npoint_hints":null}},"attempts":3,"grade":1.0},"context":{"module":{"display_name":""}}}""",
        """{}""",

        // More top-level elements than the check's buffer holds (64), one name repeated last: the field index is
        // filled again, and the last wins.
        "{" + string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"f{i}\":{i}")) + ",\"f3\":\"last\"}",
    ];

    private static byte[] Bson(string json)
    {
        using var output = new PooledBufferWriter(1024);
        Assert.Null(BsonEncoder.TryAppend(Encoding.UTF8.GetBytes(json), output, out _));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Documents with every BSON type the decoder writes, made by MongoDB's own serializer.</summary>
    private static IEnumerable<byte[]> AllTypes()
    {
        foreach (string e in s_events)
        {
            yield return Bson(e);
        }

        yield return new BsonDocument
        {
            { "oid", ObjectId.Parse("5f1d7b2e9c3a4b5d6e7f8091") },
            { "date", new BsonDateTime(1425168001000) },
            { "old", new BsonDateTime(-5) },
            { "bin", new BsonBinaryData([1, 2, 3, 250], BsonBinarySubType.Binary) },
            { "re", new BsonRegularExpression("^a.*b$", "i") },
            { "ts", new BsonTimestamp(1425168001, 7) },
            { "dec", new BsonDecimal128(Decimal128.Parse("12345678901234567890.5")) },
            { "max", BsonMaxKey.Value },
            { "min", BsonMinKey.Value },
            { "code", new BsonJavaScript("function(){}") },
            { "sym", BsonSymbol.Create("s") },
            { "undef", BsonUndefined.Value },
            { "nan", double.NaN },
            { "long", 1L << 40 },
            { "nested", new BsonDocument { { "list", new BsonArray { 1, "x", BsonNull.Value } } } },
        }.ToBson();
    }

    [Fact]
    public void TryValidate_GoodDocuments_AcceptedAsTheDecoderConvertsThem()
    {
        foreach (byte[] doc in AllTypes())
        {
            using var json = new PooledBufferWriter(1024);
            Assert.Null(BsonDecoder.TryAppendJson(doc, json, null, out string decoderDetail));
            Assert.Null(BsonNavigator.TryValidate(doc, out string detail));
            Assert.Equal(decoderDetail, detail);
        }
    }

    [Theory]
    [InlineData(true, true)] // the fast check (one loop, no recursion), and the general one after it for its rejects
    [InlineData(true, false)] // the general check alone, with the byte masks
    [InlineData(false, false)] // the check of documents over 256 KiB, which reads names and strings byte by byte
    public void TryValidate_DamagedDocuments_SameVerdictAndDetailAsTheDecoder(bool byteMasks, bool fastPath)
    {
        BsonNavigator.s_withoutMasks = !byteMasks;
        BsonNavigator.s_withoutFastPath = !fastPath;
        try
        {
            DamagedDocuments_SameVerdictAndDetailAsTheDecoder();
        }
        finally
        {
            BsonNavigator.s_withoutMasks = false;
            BsonNavigator.s_withoutFastPath = false;
        }
    }

    [Fact]
    public void TryValidate_FastAndGeneralChecks_RecordTheSameTopLevelElements()
    {
        var random = new Random(20261204);
        foreach (byte[] original in AllTypes())
        {
            for (int trial = 0; trial < 500; trial++)
            {
                byte[] doc = trial == 0 ? original : Damage(original, random);
                string? fast = BsonNavigator.TryValidate(doc, out _, out ReadOnlySpan<TopField> fastTop);
                TopField[] fastFields = fastTop.ToArray();
                BsonNavigator.s_withoutFastPath = true;
                try
                {
                    string? general = BsonNavigator.TryValidate(doc, out _, out ReadOnlySpan<TopField> generalTop);
                    Assert.Equal(general, fast);
                    Assert.Equal(generalTop.ToArray(), fastFields);
                }
                finally
                {
                    BsonNavigator.s_withoutFastPath = false;
                }
            }
        }
    }

    [Fact]
    public void TryIndexTrusted_DamagedDocuments_NeverThrowsAndAgreesWithTheCheckOnGoodOnes()
    {
        var random = new Random(20261204);
        int agreed = 0;
        int refused = 0;
        foreach (byte[] original in AllTypes())
        {
            for (int trial = 0; trial < 2000; trial++)
            {
                byte[] doc = trial == 0 ? original : Damage(original, random);
                bool indexed = BsonNavigator.TryIndexTrusted(doc, out ReadOnlySpan<TopField> trustedTop);
                TopField[] trusted = trustedTop.ToArray();
                string? verdict = BsonNavigator.TryValidate(doc, out _, out ReadOnlySpan<TopField> checkedTop);
                if (!indexed)
                {
                    refused++;
                    continue;
                }

                // Whatever a forged manifest brings, the index stays inside the document.
                foreach (TopField f in trusted)
                {
                    Assert.InRange(f.KeyOffset, 5, doc.Length - 1);
                    Assert.InRange(f.ValueOffset + f.ValueLength, f.ValueOffset, doc.Length - 1);
                    Assert.Equal(0, doc[f.KeyOffset + f.KeyLength]);
                }

                if (verdict is null)
                {
                    Assert.Equal(checkedTop.ToArray(), trusted);
                    agreed++;
                }
            }
        }

        Assert.True(agreed > 1000, $"only {agreed} documents were indexed by both");
        Assert.True(refused > 1000, $"only {refused} documents were refused");
    }

    [Fact]
    public void TryFind_DamagedNestedDocument_NeverThrowsOrLoops()
    {
        var random = new Random(7);
        byte[] original = Bson(s_events[0]);
        for (int trial = 0; trial < 5000; trial++)
        {
            byte[] doc = Damage(original, random);
            foreach (string name in new[] { "context", "event", "a", "missing" })
            {
                if (BsonNavigator.TryFind(doc, Encoding.UTF8.GetBytes(name), out _, out int at))
                {
                    Assert.InRange(at, 5, doc.Length - 1);
                }
            }
        }
    }

    private static void DamagedDocuments_SameVerdictAndDetailAsTheDecoder()
    {
        var random = new Random(20261124);
        int rejected = 0;
        int accepted = 0;
        var details = new HashSet<string>(StringComparer.Ordinal);
        foreach (byte[] original in AllTypes())
        {
            for (int trial = 0; trial < 3000; trial++)
            {
                byte[] doc = Damage(original, random);
                using var json = new PooledBufferWriter(1024);
                string? expected = BsonDecoder.TryAppendJson(doc, json, null, out string expectedDetail);
                string? actual = BsonNavigator.TryValidate(doc, out string actualDetail);
                Assert.True(expected == actual && expectedDetail == actualDetail,
                    $"trial {trial}: decoder says {expected} ({expectedDetail}), check says {actual} ({actualDetail}) for {Convert.ToHexString(doc)}");
                if (actual is null)
                {
                    accepted++;
                }
                else
                {
                    rejected++;
                    details.Add(actualDetail);
                }
            }
        }

        // The damage reaches both verdicts and most kinds of fault, so the comparison above means something.
        Assert.True(accepted > 1000, $"only {accepted} damaged documents were still good");
        Assert.True(rejected > 1000, $"only {rejected} damaged documents were rejected");
        Assert.True(details.Count >= 6, "faults seen: " + string.Join("; ", details));
    }

    /// <summary>One to three random byte changes, sometimes a cut, sometimes a byte set to a value that matters.</summary>
    private static byte[] Damage(byte[] original, Random random)
    {
        byte[] doc = (byte[])original.Clone();
        int changes = random.Next(1, 4);
        for (int c = 0; c < changes; c++)
        {
            int at = random.Next(doc.Length);
            doc[at] = random.Next(4) switch
            {
                0 => 0,
                1 => 0xFF,
                2 => (byte)(doc[at] ^ (1 << random.Next(8))),
                _ => (byte)random.Next(256),
            };
        }

        if (random.Next(8) == 0)
        {
            Array.Resize(ref doc, random.Next(doc.Length));
        }

        return doc;
    }

    [Fact]
    public void TryValidate_NonUtf8_RejectedInNamesAndStringsButNotInArrayIndexes()
    {
        byte[] goodName = Bson("""{"ab":"cd","list":["x"]}""");
        byte[] badName = (byte[])goodName.Clone();
        badName[Array.IndexOf(badName, (byte)'a')] = 0xC3; // a lead byte followed by 'b': not UTF-8
        byte[] badString = (byte[])goodName.Clone();
        badString[Array.IndexOf(badString, (byte)'c')] = 0xFF;
        byte[] badIndex = (byte[])goodName.Clone();
        badIndex[Array.LastIndexOf(badIndex, (byte)'0')] = 0xFF; // the array's index name "0"

        Assert.Null(BsonNavigator.TryValidate(goodName, out _));
        Assert.Equal(BsonRejectReasons.InvalidBson, BsonNavigator.TryValidate(badName, out string d1));
        Assert.Equal("a name or string that is not UTF-8", d1);
        Assert.Equal(BsonRejectReasons.InvalidBson, BsonNavigator.TryValidate(badString, out _));
        Assert.Null(BsonNavigator.TryValidate(badIndex, out _));
    }

    [Fact]
    public void TryValidate_MoreTopLevelElementsThanItsBuffer_RecordsEveryElement()
    {
        // On a new thread, whose buffer has never grown: the first such document takes the refill path.
        byte[] doc = Bson(s_events[^1]);
        string[] names = [];
        string? reason = "not run";
        var thread = new Thread(() =>
        {
            reason = BsonNavigator.TryValidate(doc, out _, out ReadOnlySpan<TopField> topLevel);
            var seen = new string[topLevel.Length];
            for (int k = 0; k < topLevel.Length; k++)
            {
                seen[k] = Encoding.UTF8.GetString(doc.AsSpan(topLevel[k].KeyOffset, topLevel[k].KeyLength));
            }

            names = seen;
        });
        thread.Start();
        Assert.True(thread.Join(Run.Timeout));
        Assert.Null(reason);
        Assert.Equal([.. Enumerable.Range(0, 100).Select(i => $"f{i}"), "f3"], names);
    }

    public static TheoryData<string> Paths() =>
    [
        "username", "event_type", "event_source", "time", "context", "context.course_id", "context.user_id", "context.module",
        "context.module.display_name", "context.path", "event", "event.GET", "event.POST.k", "event.correct_map.q1.correctness",
        "event.attempts", "event.grade", "page", "n", "big", "d", "t", "f", "a", "name", "esc", "dup", "missing",
        "event_type.deeper", "context.missing", "a.0", "context.module.display_name.x", "f0", "f3", "f63", "f64", "f99",
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public void TryGetField_BsonBatch_SameFieldsAsTheJsonBatch(string path)
    {
        FieldPath field = FieldPath.Parse(path);
        using EventBatch json = Batches.Parse(s_events);
        using EventBatch bson = BsonBatch(s_events);
        for (int i = 0; i < s_events.Length; i++)
        {
            bool inJson = json.TryGetField(i, field, out FieldValue expected);
            bool inBson = bson.TryGetField(i, field, out FieldValue actual);
            Assert.Equal(inJson, inBson);
            if (!inJson)
            {
                continue;
            }

            Assert.Equal(expected.Kind, actual.Kind);
            if (expected.Kind is JsonTokenType.String)
            {
                Assert.Equal(expected.GetString(), actual.GetString());
            }
            else
            {
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.RawJson), JsonNode.Parse(actual.RawJson)),
                    $"{path} of event {i}: {Encoding.UTF8.GetString(expected.RawJson)} vs {Encoding.UTF8.GetString(actual.RawJson)}");
            }
        }

        Assert.True(bson.HoldsBson, "reading fields must not convert the batch");
    }

    [Fact]
    public void GetUtf8_BsonBatch_ConvertsOnceAndKeepsEarlierFieldValues()
    {
        using EventBatch bson = BsonBatch(s_events);
        Assert.True(bson.TryGetField(0, FieldPath.Parse("context.module.display_name"), out FieldValue before));
        string held = before.GetString()!;

        ReadOnlySpan<byte> line = bson.GetUtf8(1);

        Assert.False(bson.HoldsBson);
        Assert.StartsWith("""{"event_type":"/courses/x/courseware/",""", Encoding.UTF8.GetString(line), StringComparison.Ordinal);
        Assert.Equal("Lecture \"1\"", held);
        Assert.Equal(held, before.GetString());
        Assert.True(bson.TryGetField(1, FieldPath.Parse("dup"), out FieldValue dup));
        Assert.Equal("last", dup.GetString());
        // The events are written compactly, with numbers as the decoder writes them: the text comes back as it was.
        for (int i = 0; i < s_events.Length; i++)
        {
            Assert.Equal(s_events[i], Encoding.UTF8.GetString(bson.GetUtf8(i)));
        }
    }

    private static EventBatch BsonBatch(string[] events)
    {
        var file = new SourceFile("memory.bson", 0, 0, SourceFormat.Bson);
        EventBatch batch = EventBatch.CreateBson(file, 0, 4096, 64);
        for (int i = 0; i < events.Length; i++)
        {
            byte[] doc = Bson(events[i]);
            Assert.Null(BsonNavigator.TryValidate(doc, out _, out ReadOnlySpan<TopField> topLevel));
            Assert.True(batch.TryAppendBson(doc, i + 1, topLevel));
        }

        batch.IsParsed = true;
        return batch;
    }
}
