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
