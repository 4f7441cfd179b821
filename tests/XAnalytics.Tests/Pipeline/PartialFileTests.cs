using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

public sealed class PartialFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-partial-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] s_events =
    [
        """{"username": "learner_a", "event_type": "play_video", "time": "2015-03-01T10:00:00Z"}""",
        """{"username": "learner_b", "event_type": "play_video", "time": "2015-03-01T10:00:01Z"}""",
        """{"username": "learner_a", "event_type": "seq_goto", "time": "2015-03-01T10:00:02Z"}""",
    ];

    private static PartialHeader Header => new()
    {
        PlanId = "0123456789abcdef0123456789abcdef",
        Shard = new ShardSelection(2, 5),
        Command = "count",
        Arguments = ["--by", "event_type"],
        Read = 4,
        Written = 3,
        Rejected = 1,
    };

    [Fact]
    public void WriteThenOpen_RoundTripsHeaderAndCountState()
    {
        var aggregate = new CountAggregate([FieldPath.Parse("event_type")]);
        CountTable table = aggregate.CreatePartial();
        using (EventBatch batch = Batches.Parse(s_events))
        {
            aggregate.Accumulate(table, batch);
        }

        string path = Path.Combine(_dir.FullName, "p.xap");
        PartialFile.Write(path, Header, aggregate, table);
        (PartialHeader header, PartialReader state) = PartialFile.Open(path);

        Assert.Equal(Header.PlanId, header.PlanId);
        Assert.Equal(Header.Shard, header.Shard);
        Assert.Equal(Header.Arguments, header.Arguments);
        Assert.Equal(("count", 1, 4L, 3L, 1L), (header.StateName, header.StateVersion, header.Read, header.Written, header.Rejected));
        var fresh = new CountAggregate([FieldPath.Parse("event_type")]);
        fresh.Complete(PartialFile.ReadState(header, state, fresh));
        Assert.Equal(3, fresh.Result!.Events);
        Assert.Equal([("play_video", 2L), ("seq_goto", 1L)], fresh.Result.Rows!.Select(static r => (r.Values[0]!, r.Count)));
        Assert.Empty(Directory.GetFiles(_dir.FullName, ".*"));
    }

    [Fact]
    public void CountState_ValuesMetInAnotherOrderOrByTwoWorkers_SameBytes()
    {
        // More distinct values than a worker keeps before it moves to the run's shared table: one partial holds them in
        // the shared stripes, the other in one worker's own table, merged from two workers that met half each, backwards.
        string[] lines = [.. Enumerable.Range(0, CountAggregate.ShareAbove + 500).Select(static i => $$"""{"event_type": "type_{{(i * 7919) % 100_003}}"}""")];
        var one = new CountAggregate([FieldPath.Parse("event_type")]);
        CountTable forward = one.CreatePartial();
        using (EventBatch batch = Batches.Parse(lines))
        {
            one.Accumulate(forward, batch);
        }

        var two = new CountAggregate([FieldPath.Parse("event_type")]);
        CountTable first = two.CreatePartial(), second = two.CreatePartial();
        using (EventBatch batch = Batches.Parse([.. lines[(lines.Length / 2)..].Reverse()]))
        {
            two.Accumulate(first, batch);
        }

        using (EventBatch batch = Batches.Parse([.. lines[..(lines.Length / 2)].Reverse()]))
        {
            two.Accumulate(second, batch);
        }

        two.Merge(first, second);
        Assert.NotNull(forward.Shared);
        Assert.Null(first.Shared);
        string a = Path.Combine(_dir.FullName, "forward.xap"), b = Path.Combine(_dir.FullName, "workers.xap");
        PartialFile.Write(a, Header, one, forward);
        PartialFile.Write(b, Header, two, first);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void SchemaState_PathsMetInAnotherOrder_SameBytes()
    {
        // Two batches with no path in common (so no example is decided by order), merged in either order.
        string[] left = [.. Enumerable.Range(0, 200).Select(static i => "{\"left_" + i + "\": {\"x\": " + i + "}}")];
        string[] right = [.. Enumerable.Range(0, 200).Select(static i => "{\"right_" + i + "\": [" + i + "]}")];
        string Write(bool leftFirst, string name)
        {
            var schema = new SchemaAggregate();
            SchemaPartial into = schema.CreatePartial(), from = schema.CreatePartial();
            using (EventBatch batch = Batches.Parse(leftFirst ? left : right))
            {
                schema.Accumulate(into, batch);
            }

            using (EventBatch batch = Batches.Parse(leftFirst ? right : left))
            {
                schema.Accumulate(from, batch);
            }

            schema.Merge(into, from);
            string path = Path.Combine(_dir.FullName, name);
            PartialFile.Write(path, Header, schema, into);
            return path;
        }

        Assert.Equal(File.ReadAllBytes(Write(leftFirst: true, "a.xap")), File.ReadAllBytes(Write(leftFirst: false, "b.xap")));
    }

    [Fact]
    public void Write_OnUnix_OwnerOnlyLikeTheRejectLog()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var aggregate = new CountAggregate([FieldPath.Parse("username")]);
        string path = Path.Combine(_dir.FullName, "learners.xap");
        PartialFile.Write(path, Header, aggregate, aggregate.CreatePartial());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Open_CutShortOrNotAPartial_InvalidDataNamingTheFile()
    {
        var aggregate = new CountAggregate([]);
        string path = Path.Combine(_dir.FullName, "p.xap");
        PartialFile.Write(path, Header, aggregate, aggregate.CreatePartial());
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        Assert.Contains("p.xap is damaged or cut short", Assert.Throws<InvalidDataException>(() => PartialFile.Open(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "not a partial at all");
        Assert.Contains("is not an xanalytics partial file", Assert.Throws<InvalidDataException>(() => PartialFile.Open(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadState_OfAnotherAggregate_Refused()
    {
        var count = new CountAggregate([FieldPath.Parse("event_type")]);
        string path = Path.Combine(_dir.FullName, "p.xap");
        PartialFile.Write(path, Header, count, count.CreatePartial());
        (PartialHeader header, PartialReader state) = PartialFile.Open(path);

        var schema = new SchemaAggregate();
        Assert.Contains("holds state 'count' version 1; this merge needs 'schema'",
            Assert.Throws<InvalidDataException>(() => PartialFile.ReadState(header, state, schema)).Message, StringComparison.Ordinal);
        (header, state) = PartialFile.Open(path);
        var byCourse = new CountAggregate([FieldPath.Parse("context.course_id")]);
        Assert.Throws<InvalidDataException>(() => PartialFile.ReadState(header, state, byCourse));
    }

    [Fact]
    public void PartialWriterAndReader_NumbersBytesStringsBlocks_RoundTrip()
    {
        var w = new PartialWriter();
        w.WriteUInt(ulong.MaxValue);
        w.WriteInt(long.MinValue);
        w.WriteInt(-1);
        w.WriteFixed64(0x0102030405060708);
        w.WriteNullableString(null);
        w.WriteString("é€😀");
        w.WriteBlock(static b => b.WriteBytes([1, 2, 3]));
        var r = new PartialReader(w.WrittenSpan.ToArray(), "t");
        Assert.Equal(ulong.MaxValue, r.ReadUInt());
        Assert.Equal(long.MinValue, r.ReadInt());
        Assert.Equal(-1, r.ReadInt());
        Assert.Equal(0x0102030405060708UL, r.ReadFixed64());
        Assert.Null(r.ReadNullableString());
        Assert.Equal("é€😀", r.ReadString());
        PartialReader block = r.ReadBlock();
        Assert.Equal(new byte[] { 1, 2, 3 }, block.ReadBytes().ToArray());
        Assert.True(block.AtEnd && r.AtEnd);
        Assert.Throws<InvalidDataException>(() => r.ReadUInt());
    }
}
