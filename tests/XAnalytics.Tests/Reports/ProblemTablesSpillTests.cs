using System.Text;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The problem tables' learner problems (problem_response, answer_distribution) held in bounded worker tables and
/// spilled by learner bucket: the same files held or spilled, the scratch folder removed, records never split.
/// </summary>
public sealed class ProblemTablesSpillTests : IDisposable
{
    private static readonly string[] s_sections = [ProblemResponseSection.SectionName, AnswerDistributionSection.SectionName];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-problem-spill-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// A generated archive (and edX's acceptance logs, when present) with tables of one learner problem, 64 bytes of
    /// texts and blocks of 64 bytes (every learner problem handed to its bucket at once, nearly every record written to
    /// the scratch folder as a block of its own, read back from many owners) writes the same files as with a budget of
    /// 65,536 (4 MiB blocks: nothing spilled); the scratch folder is empty once the run has completed. The rows read by
    /// index and in order agree, in the table's order.
    /// </summary>
    [Fact]
    public async Task ProblemTables_SpilledToScratch_SameFilesAsHeldAndFolderRemoved()
    {
        (string[] inputs, string scratch) = await ReportTestKit.SpillInputsAsync(_dir.FullName, events: 20_000, learners: 300);
        string held = Path.Combine(_dir.FullName, "held"), spilled = Path.Combine(_dir.FullName, "spilled");
        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = s_sections, ScratchDirectory = scratch, ProblemTablesHeld = 1 << 16 }, allowRejects: true))
        {
            Assert.Equal(0, reports.Section<ProblemResponseSection>()!.Spill.SpilledBytes);
            Assert.Equal(0, reports.Section<AnswerDistributionSection>()!.Spill.SpilledBytes);
            ReportWriter.Write(reports, held);
        }

        using (LearnerReports reports = await ReportTestKit.RunAsync(inputs, new ReportOptions { Only = s_sections, ScratchDirectory = scratch, ProblemTablesHeld = 1 }, allowRejects: true))
        {
            ProblemResponseSection responses = reports.Section<ProblemResponseSection>()!;
            Assert.True(responses.Spill.SpilledBytes > 0);
            Assert.True(reports.Section<AnswerDistributionSection>()!.Spill.SpilledBytes > 0);
            Assert.Empty(Directory.GetFileSystemEntries(scratch));
            ReportWriter.Write(reports, spilled);

            IReadOnlyList<ProblemResponseRow> rows = responses.Rows!;
            string[] lines = ReportTestKit.Lines(Path.Combine(spilled, "problem_response.csv"));
            Assert.True(rows.Count > 100, $"{rows.Count} rows");
            Assert.Equal(rows.Select(Key), Enumerable.Range(0, rows.Count).Select(i => Key(rows[i])));
            Assert.Equal(rows.Select(Key).Order(StringComparer.Ordinal), rows.Select(Key));
            Assert.True(lines.Length >= rows.Count, $"{lines.Length} lines for {rows.Count} rows"); // answers may span lines
        }

        foreach ((string file, int atLeast) in new[] { ("problem_response.csv", 100), ("answer_distribution.csv", 20) })
        {
            string expected = await File.ReadAllTextAsync(Path.Combine(held, file));
            Assert.True(expected.Split('\n').Length > atLeast, file);
            Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(spilled, file)));
        }

        static string Key(ProblemResponseRow r) => $"{r.CourseId}\u0001{r.ProblemId}\u0001{r.Username}\u0001{r.AnswerId}";
    }

    /// <summary>A run that ends without completing (failed, cancelled) leaves nothing in the scratch folder once its reports are disposed, and spills no more.</summary>
    [Fact]
    public void ProblemTables_ReportsDisposedBeforeCompletion_ScratchFolderRemoved()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(_dir.FullName, "scratch")).FullName;
        LearnerReports reports = LearnerReports.Create(new ReportOptions { Only = s_sections, ScratchDirectory = scratch, ProblemTablesHeld = 1 });
        ProblemResponseSection responses = reports.Section<ProblemResponseSection>()!;
        AnswerDistributionSection answers = reports.Section<AnswerDistributionSection>()!;
        ProblemResponsePartial response = responses.CreatePartial();
        AnswerDistributionPartial answer = answers.CreatePartial();
        byte[] submission = Encoding.UTF8.GetBytes("""{"answers":{"p1_2_1":"choice_0"},"submission":{"p1_2_1":{"answer":"A made-up answer longer than a block"}}}""");

        // A table of one learner problem and blocks of 64 bytes: each record is written to the scratch folder at once.
        response.Add(0, "learner_x"u8, 1, "problem-1"u8, 2, 1, 100, 100, submission);
        answer.Offer(0, "learner_x"u8, 1, "problem-1"u8, 2, 100, submission, false, default, 100, submission, false, default);
        Assert.Equal(2, Directory.GetFileSystemEntries(scratch).Length);
        Assert.All(Directory.GetFileSystemEntries(scratch), f => Assert.Matches("^xanalytics-(problem-response|answer-distribution)-", Path.GetFileName(f)));

        reports.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
        Assert.Throws<OperationCanceledException>(() => response.Add(0, "learner_y"u8, 3, "problem-1"u8, 2, 1, 100, 100, submission));
        Assert.Throws<OperationCanceledException>(() => answer.Offer(0, "learner_y"u8, 3, "problem-1"u8, 2, 100, submission, false, default, 100, submission, false, default));
        Assert.Empty(Directory.GetFileSystemEntries(scratch));
    }

    /// <summary>
    /// A completion reads its buckets one after the other into one buffer: the first read makes room for the largest
    /// bucket, so the later, larger buckets reuse the same array (growing it bucket by bucket left each smaller array on
    /// the large-object heap until a full collection).
    /// </summary>
    [Fact]
    public void HeldRecords_ReadBucket_SizesTheBufferForTheLargestBucketAtOnce()
    {
        var spill = new BucketSpill<byte>(_dir.FullName, "held-records-sizes");
        try
        {
            var records = new HeldRecords<byte>(spill, blockRecords: 64);
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                for (int i = 0; i < 100 * (b + 1); i++)
                {
                    records.AddWhole(b, [(byte)b, (byte)i]);
                }
            }

            var buffer = new RecordBuffer<byte>();
            byte[]? first = null;
            for (int b = 0; b < LearnerBuckets.Count; b++)
            {
                buffer.Clear();
                records.ReadBucket(b, buffer);
                Assert.Equal(records.TotalOf(b), buffer.Count);
                Assert.Equal(200 * (b + 1), buffer.Count);
                first ??= buffer.Items;
                Assert.Same(first, buffer.Items);
            }

            Assert.True(spill.SpilledBytes > 0);
        }
        finally
        {
            spill.Close();
        }
    }

    /// <summary>
    /// Records added whole never split across blocks: held ones, spilled ones (a full block written first, a record
    /// longer than a block written alone) and a merged partial's held block read back as whole records.
    /// </summary>
    [Fact]
    public void HeldRecords_AddWhole_RecordsNeverSplit()
    {
        var spill = new BucketSpill<byte>(_dir.FullName, "held-records-test");
        try
        {
            var one = new HeldRecords<byte>(spill, blockRecords: 10);
            var two = new HeldRecords<byte>(spill, blockRecords: 10);
            var expected = new List<string>();
            int bucket = 3;
            for (int i = 0; i < 40; i++)
            {
                // Records of 1 to 13 bytes: a length byte, then letters.
                int length = 1 + (i * 7 % 13);
                byte[] record = new byte[length];
                record[0] = (byte)length;
                record.AsSpan(1).Fill((byte)('a' + (i % 26)));
                (i % 3 == 0 ? two : one).AddWhole(bucket, record);
                expected.Add(Convert.ToHexString(record));
            }

            one.MergeWholeFrom(two);
            var read = new RecordBuffer<byte>();
            one.ReadBucket(bucket, read);
            Assert.Equal(expected.Sum(h => h.Length / 2), read.Count);
            Assert.Equal(read.Count, one.TotalOf(bucket));
            var got = new List<string>();
            ReadOnlySpan<byte> bytes = read.Span;
            for (int at = 0; at < bytes.Length; at += bytes[at])
            {
                Assert.InRange(bytes[at], 1, 13);
                Assert.True(at + bytes[at] <= bytes.Length);
                Assert.True(bytes.Slice(at + 1, bytes[at] - 1).IndexOfAnyExcept(bytes.Length > at + 1 ? bytes[at + 1] : (byte)0) < 0);
                got.Add(Convert.ToHexString(bytes.Slice(at, bytes[at])));
            }

            Assert.Equal(expected.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
            Assert.True(spill.SpilledBytes > 0);
        }
        finally
        {
            spill.Close();
        }
    }

    /// <summary>UTF-8 texts order as <see cref="string.CompareOrdinal(string, string)"/> orders their strings, surrogate pairs after U+E000-U+FFFF included.</summary>
    [Theory]
    [InlineData("a", "b")]
    [InlineData("a", "ab")]
    [InlineData("é", "z")]
    [InlineData("\uFF21", "\U0001F600")]
    [InlineData("x\uE000", "x\U00010000")]
    [InlineData("\U0001F600", "\U0001F601")]
    [InlineData("\u00E9t\u00E9", "\u00E9t\u00E9")]
    public void CompareUtf16Order_AsStringCompareOrdinal(string a, string b)
    {
        Assert.Equal(Math.Sign(string.CompareOrdinal(a, b)), Math.Sign(ProblemResponseRowList.CompareUtf16Order(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b))));
        Assert.Equal(Math.Sign(string.CompareOrdinal(b, a)), Math.Sign(ProblemResponseRowList.CompareUtf16Order(Encoding.UTF8.GetBytes(b), Encoding.UTF8.GetBytes(a))));
    }
}
