using System.Buffers.Binary;
using System.IO.Hashing;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// A learner bucket larger than the completion's budget is read in parts (<see cref="LearnerBuckets.Parts"/>): each
/// record in exactly one part, a key's records (a learner's, a learner problem's or a learner video's) all in one,
/// and the tables the same as when read whole.
/// </summary>
public sealed class BucketPartsTests : IDisposable
{
    private static readonly string[] s_sections = [VideoSection.SectionName, ProblemResponseSection.SectionName, AnswerDistributionSection.SectionName];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-bucket-parts-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The fewest parts (a power of two, at most 256) of at most the budget each.</summary>
    [Theory]
    [InlineData(0, 100, 1)]
    [InlineData(100, 100, 1)]
    [InlineData(101, 100, 2)]
    [InlineData(200, 100, 2)]
    [InlineData(201, 100, 4)]
    [InlineData(15_800_000, 16 << 20, 1)]
    [InlineData(15_800_000, 8 << 20, 2)]
    [InlineData(long.MaxValue / 2, 1, 256)]
    public void Parts_FewestPowerOfTwoWithinBudget(long bytes, long partBytes, int expected)
        => Assert.Equal(expected, LearnerBuckets.Parts(bytes, partBytes));

    /// <summary>
    /// The learners of one bucket spread over its parts (the hash's bits after the bucket's): with 4 parts each holds
    /// between a sixth and a third of them; with 1 part, all.
    /// </summary>
    [Fact]
    public void PartOf_SpreadsOneBucketsLearnersEvenly()
    {
        var counts = new int[4];
        int inBucket = 0;
        for (long user = 0; inBucket < 4000; user++)
        {
            if (LearnerBuckets.Of(user) != 5)
            {
                continue;
            }

            inBucket++;
            Assert.Equal(0, LearnerBuckets.PartOf(user, 1));
            counts[LearnerBuckets.PartOf(user, 4)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 4000 / 6, 4000 / 3));
    }

    /// <summary>
    /// The problem tables' records are keyed by learner problem and video's by learner video, so one learner's records
    /// spread over every bucket and part instead of filling one part (a learner with thousands of submissions set the
    /// size of a part: over 32M events and 2,000 learners answer_distribution peaked at 206 MiB, 166 keyed so). The
    /// same learner and problem, or learner and video, always get the same key; another learner, another key.
    /// </summary>
    [Fact]
    public void LearnerProblemAndVideoKeys_OneLearnersRecordsSpreadOverBucketsAndParts()
    {
        byte[] user = "learner_0042"u8.ToArray();
        var problemBuckets = new HashSet<int>();
        var problemParts = new HashSet<int>();
        var videoBuckets = new HashSet<int>();
        var videoParts = new HashSet<int>();
        for (int n = 0; n < 512; n++)
        {
            byte[] problem = System.Text.Encoding.UTF8.GetBytes($"block-v1:Org+C1+2015+type@problem+block@{n:x32}");
            long key = LearnerBuckets.OfLearnerProblem(user, problem);
            Assert.Equal(key, LearnerBuckets.OfLearnerProblem(user, problem));
            Assert.NotEqual(key, LearnerBuckets.OfLearnerProblem("learner_0043"u8, problem));
            problemBuckets.Add(LearnerBuckets.Of(key));
            problemParts.Add(LearnerBuckets.PartOf(key, 8));

            ulong module = XxHash3.HashToUInt64(problem);
            long video = LearnerBuckets.OfLearnerVideo(42, 3, module);
            Assert.Equal(video, LearnerBuckets.OfLearnerVideo(42, 3, module));
            Assert.NotEqual(video, LearnerBuckets.OfLearnerVideo(43, 3, module));
            Assert.NotEqual(video, LearnerBuckets.OfLearnerVideo(42, 4, module));
            videoBuckets.Add(LearnerBuckets.Of(video));
            videoParts.Add(LearnerBuckets.PartOf(video, 8));
        }

        Assert.Equal(LearnerBuckets.Count, problemBuckets.Count);
        Assert.Equal(8, problemParts.Count);
        Assert.Equal(LearnerBuckets.Count, videoBuckets.Count);
        Assert.Equal(8, videoParts.Count);
    }

    /// <summary>
    /// Whole records (length-prefixed bytes, some held, most spilled in blocks of many owners) read part by part: every
    /// record of the bucket comes back once, in the part of its learner, whatever the number of parts.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void ReadBucket_InParts_EachRecordOnceInItsLearnersPart(int parts)
    {
        var spill = new BucketSpill<byte>(_dir.FullName, "bucket-parts");
        try
        {
            var records = new HeldRecords<byte>(spill, blockRecords: 256);
            var expected = new List<string>[LearnerBuckets.Count];
            for (int b = 0; b < expected.Length; b++)
            {
                expected[b] = [];
            }

            for (int i = 0; i < 3000; i++)
            {
                byte[] record = Record(i % 700, i);
                int bucket = LearnerBuckets.Of(TestLearner.Of(record));
                records.AddWhole(bucket, record);
                expected[bucket].Add(Convert.ToHexString(record));
            }

            Assert.True(spill.SpilledBytes > 0);
            var into = new RecordBuffer<byte>();
            var starts = new RecordBuffer<int>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                var seen = new List<string>();
                for (int part = 0; part < parts; part++)
                {
                    WholeRecords.ReadBucket<TestLearner>(records, b, part, parts, into, starts, 4, "A test record");
                    foreach (int start in starts.Span)
                    {
                        ReadOnlySpan<byte> r = into.Span.Slice(start, BinaryPrimitives.ReadInt32LittleEndian(into.Span[start..]));
                        Assert.Equal(part, LearnerBuckets.PartOf(TestLearner.Of(r), parts));
                        seen.Add(Convert.ToHexString(r));
                    }
                }

                Assert.Equal(expected[b].Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            spill.Close();
        }
    }

    /// <summary>
    /// A bucket read in parts is decompressed once, however many parts: its first part's read splits it into a file per
    /// part, which the parts then read. Before, every part read every block of its bucket again (8 parts, 8 times).
    /// A part read again still gets its records (from the bucket, as before the split).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(256)]
    public void ReadBucket_InParts_EachSpilledBlockReadOnce(int parts)
    {
        var spill = new BucketSpill<byte>(_dir.FullName, "bucket-parts");
        try
        {
            var records = new HeldRecords<byte>(spill, blockRecords: 128);
            var expected = new Dictionary<(int Bucket, int Part), List<string>>();
            for (int i = 0; i < 4000; i++)
            {
                byte[] record = Record(i % 900, i);
                long learner = TestLearner.Of(record);
                records.AddWhole(LearnerBuckets.Of(learner), record);
                (int, int) key = (LearnerBuckets.Of(learner), LearnerBuckets.PartOf(learner, parts));
                if (!expected.TryGetValue(key, out List<string>? list))
                {
                    expected[key] = list = [];
                }

                list.Add(Convert.ToHexString(record));
            }

            Assert.True(spill.BlocksWritten > LearnerBuckets.Count);
            var into = new RecordBuffer<byte>();
            var starts = new RecordBuffer<int>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                for (int part = 0; part < parts; part++)
                {
                    WholeRecords.ReadBucket<TestLearner>(records, b, part, parts, into, starts, 4, "A test record");
                    Assert.Equal(
                        (expected.GetValueOrDefault((b, part)) ?? []).Order(StringComparer.Ordinal),
                        Texts(into, starts).Order(StringComparer.Ordinal));
                }
            }

            Assert.Equal(spill.BlocksWritten, spill.BlocksRead);
            Assert.Equal(parts > 1, spill.SplitBytes > 0);

            // Part 0 of bucket 3 once more: its file was let go of; the bucket is read whole again, filtered.
            WholeRecords.ReadBucket<TestLearner>(records, 3, 0, parts, into, starts, 4, "A test record");
            Assert.Equal((expected.GetValueOrDefault((3, 0)) ?? []).Order(StringComparer.Ordinal), Texts(into, starts).Order(StringComparer.Ordinal));
        }
        finally
        {
            spill.Close();
        }
    }

    /// <summary>
    /// Two partials that share a spill and are not merged, reading their buckets' parts in turn: each gets its own
    /// records only. A bucket's split is made for one reader's owners; another reader's read splits it again (it took
    /// the first reader's split, whatever its owners, until a review found it).
    /// </summary>
    [Fact]
    public void ReadBucket_InParts_TwoPartialsInTurn_EachItsOwnRecords()
    {
        const int parts = 4;
        var spill = new BucketSpill<byte>(_dir.FullName, "bucket-parts");
        try
        {
            var one = new HeldRecords<byte>(spill, blockRecords: 64);
            var two = new HeldRecords<byte>(spill, blockRecords: 64);
            var expected = new Dictionary<(bool One, int Bucket, int Part), List<string>>();
            for (int i = 0; i < 3000; i++)
            {
                byte[] record = Record(i % 500, i);
                long learner = TestLearner.Of(record);
                (i % 2 == 0 ? one : two).AddWhole(LearnerBuckets.Of(learner), record);
                (bool, int, int) key = (i % 2 == 0, LearnerBuckets.Of(learner), LearnerBuckets.PartOf(learner, parts));
                if (!expected.TryGetValue(key, out List<string>? list))
                {
                    expected[key] = list = [];
                }

                list.Add(Convert.ToHexString(record));
            }

            var into = new RecordBuffer<byte>();
            var starts = new RecordBuffer<int>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                for (int part = 0; part < parts; part++)
                {
                    foreach (bool first in part % 2 == 0 ? new[] { true, false } : [false, true])
                    {
                        WholeRecords.ReadBucket<TestLearner>(first ? one : two, b, part, parts, into, starts, 4, "A test record");
                        Assert.Equal((expected.GetValueOrDefault((first, b, part)) ?? []).Order(StringComparer.Ordinal), Texts(into, starts).Order(StringComparer.Ordinal));
                    }
                }
            }
        }
        finally
        {
            spill.Close();
        }
    }

    /// <summary>
    /// Records added by learner (<see cref="HeldRecords{T}.AddWholeFor"/>, two partials merged) are counted by part:
    /// the buffer is made the size of the largest part of any bucket at the first read, exactly, and never grows.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void ReadBucket_RecordsAddedByLearner_BufferSizedForLargestPartOnce(int parts)
    {
        var spill = new BucketSpill<byte>(_dir.FullName, "bucket-parts");
        try
        {
            var one = new HeldRecords<byte>(spill, blockRecords: 256);
            var two = new HeldRecords<byte>(spill, blockRecords: 256);
            var partBytes = new long[LearnerBuckets.Count, parts];
            for (int i = 0; i < 3000; i++)
            {
                // Learners of uneven activity: some parts hold more than their share.
                byte[] record = Record(i % 17 == 0 ? 3 : i % 700, 0);
                long learner = TestLearner.Of(record);
                (i % 3 == 0 ? two : one).AddWholeFor(learner, record);
                partBytes[LearnerBuckets.Of(learner), LearnerBuckets.PartOf(learner, parts)] += record.Length;
            }

            one.MergeWholeFrom(two);
            long largest = partBytes.Cast<long>().Max();
            var into = new RecordBuffer<byte>();
            var starts = new RecordBuffer<int>();
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                for (int part = 0; part < parts; part++)
                {
                    WholeRecords.ReadBucket<TestLearner>(one, b, part, parts, into, starts, 4, "A test record");
                    Assert.Equal(partBytes[b, part], into.Count);
                    Assert.Equal(largest, into.Items.Length);
                }
            }
        }
        finally
        {
            spill.Close();
        }
    }

    /// <summary>
    /// video, problem_response and answer_distribution over a generated archive (and edX's acceptance logs, when
    /// present), spilled, with a completion budget of 16 KiB (their buckets read in parts) write the same files as with
    /// the default budget (each bucket read whole). Keyed by learner video, video's buckets are even enough to be read
    /// whole at 64 KiB, the budget this test had when they were keyed by learner.
    /// </summary>
    [Fact]
    public async Task Completion_BucketsReadInParts_SameFilesAsWhole()
    {
        (string[] inputs, string scratch) = await ReportTestKit.SpillInputsAsync(_dir.FullName, events: 30_000, learners: 400);
        string whole = Path.Combine(_dir.FullName, "whole"), inParts = Path.Combine(_dir.FullName, "parts");
        var options = new ReportOptions { Only = s_sections, ScratchDirectory = scratch, ProblemTablesHeld = 64, VideoBlockRecords = 16 };
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, options, allowRejects: true))
        {
            Assert.Equal(1, reports.Section<VideoSection>()!.CompletionParts);
            Assert.Equal(1, reports.Section<ProblemResponseSection>()!.CompletionParts);
            Assert.Equal(1, reports.Section<AnswerDistributionSection>()!.CompletionParts);
            ReportWriter.Write(reports, whole);
        }

        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, options with { CompletionPartBytes = 16 << 10 }, allowRejects: true))
        {
            Assert.True(reports.Section<VideoSection>()!.CompletionParts > 1);
            Assert.True(reports.Section<ProblemResponseSection>()!.CompletionParts > 1);
            Assert.True(reports.Section<AnswerDistributionSection>()!.CompletionParts > 1);

            // Each section's buckets were split into their parts' files (read once), not re-read whole per part.
            Assert.True(reports.Section<VideoSection>()!.Spill.SplitBytes > 0);
            Assert.True(reports.Section<ProblemResponseSection>()!.Spill.SplitBytes > 0);
            Assert.True(reports.Section<AnswerDistributionSection>()!.Spill.SplitBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, inParts);
        }

        foreach ((string file, int atLeast) in new[] { ("video.csv", 5), ("video_timeline.csv", 50), ("problem_response.csv", 100), ("answer_distribution.csv", 20) })
        {
            string expected = await File.ReadAllTextAsync(Path.Combine(whole, file));
            Assert.True(expected.Split('\n').Length > atLeast, $"{file}: {expected.Split('\n').Length} lines");
            Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(inParts, file)));
        }
    }

    /// <summary>A test record: its length, the learner's name (<c>learner-</c> and <paramref name="learner"/>'s bytes), then <paramref name="serial"/> in two bytes.</summary>
    private static byte[] Record(int learner, int serial)
    {
        byte[] user = [.. "learner-"u8, .. BitConverter.GetBytes(learner)];
        byte[] record = new byte[4 + user.Length + 2];
        BinaryPrimitives.WriteInt32LittleEndian(record, record.Length);
        user.CopyTo(record, 4);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(4 + user.Length), (ushort)serial);
        return record;
    }

    /// <summary>The records read into <paramref name="into"/> (whole records at <paramref name="starts"/>), as hex.</summary>
    private static List<string> Texts(RecordBuffer<byte> into, RecordBuffer<int> starts)
    {
        var texts = new List<string>();
        foreach (int start in starts.Span)
        {
            texts.Add(Convert.ToHexString(into.Span.Slice(start, BinaryPrimitives.ReadInt32LittleEndian(into.Span[start..]))));
        }

        return texts;
    }

    /// <summary>A test record's learner: the XxHash3 of the bytes after its length prefix, up to its last two.</summary>
    private readonly struct TestLearner : IRecordLearner
    {
        public static long Of(ReadOnlySpan<byte> record) => (long)XxHash3.HashToUInt64(record[4..^2]);
    }
}
