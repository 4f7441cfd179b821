using System.Buffers.Binary;
using System.Collections;
using System.Text;
using K4os.Compression.LZ4;

namespace XAnalytics.Reports;

/// <summary>
/// <see cref="ProblemResponseSection.Rows"/>: the rows kept as variable-length UTF-8 records (see <see cref="Encode"/>)
/// in one sorted run per learner bucket, in LZ4 blocks of about 64 KiB (a record never split), each
/// <see cref="ProblemResponseRow"/> made when read. Reading them in order merges the runs as it goes, a block of each
/// run decompressed at a time; the first read by index makes the rows (kept). A row object with its strings took about
/// 4x the bytes of its record, and the records compress about 4x.
/// </summary>
internal sealed class ProblemResponseRowList : IReadOnlyList<ProblemResponseRow>, IDisposable
{
    /// <summary>The fixed part of a row record: length, course rank, correctness, attempts, first and last ticks.</summary>
    private const int HeaderBytes = 33;

    /// <summary>What <see cref="WriteTo"/> allocates before it collects the young generation.</summary>
    private const long CollectAfterBytes = 8L << 20;

    /// <summary>Raw bytes per block of a run (a record longer than this is a block of its own).</summary>
    private const int BlockBytes = 64 * 1024;

    private readonly Run[] _runs;
    private readonly string[] _courses;
    private readonly ScratchBlocks _store;
    private List<ProblemResponseRow>? _made;

    /// <param name="runs">The runs, each sorted in the table's order (<see cref="RowOrder"/>).</param>
    /// <param name="courses">The course names by rank.</param>
    /// <param name="count">The rows in all the runs.</param>
    /// <param name="store">The runs' blocks, which the list now owns (see <see cref="Dispose"/>).</param>
    public ProblemResponseRowList(Run[] runs, string[] courses, int count, ScratchBlocks store)
    {
        (_runs, _courses, Count, _store) = (runs, courses, count, store);
    }

    public int Count { get; }

    /// <summary>True when the runs' blocks are in a scratch file (past <see cref="ReportOptions.DefaultRowSpillBytes"/>), for tests.</summary>
    internal bool IsSpilled => _store.InFile;

    /// <summary>Closes the runs' scratch file, if any (the rows cannot be read after it).</summary>
    public void Dispose() => _store.Dispose();

    public ProblemResponseRow this[int index]
    {
        get
        {
            if (_made is null)
            {
                var made = new List<ProblemResponseRow>(Count);
                foreach (ProblemResponseRow row in this)
                {
                    made.Add(row);
                }

                _made = made;
            }

            return _made[index];
        }
    }

    /// <summary>
    /// Writes one row record at <paramref name="at"/> of <paramref name="buffer"/> (grown when needed); returns its
    /// length. The texts are valid UTF-8 (a text that was not is as <see cref="Encoding.UTF8"/> decodes it).
    /// </summary>
    public static int Encode(
        ref byte[] buffer, int at, int courseRank, ReadOnlySpan<byte> problem, ReadOnlySpan<byte> user, string answerId, string question, IReadOnlyList<string> answer,
        bool? correct, long attempts, long first, long last)
    {
        int most = HeaderBytes + 4 + problem.Length + 4 + user.Length + 4 + Encoding.UTF8.GetMaxByteCount(answerId.Length)
            + 4 + Encoding.UTF8.GetMaxByteCount(question.Length) + 4;
        for (int i = 0; i < answer.Count; i++)
        {
            most += 4 + Encoding.UTF8.GetMaxByteCount(answer[i].Length);
        }

        if (buffer.Length - at < most)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, at + most));
        }

        Span<byte> r = buffer.AsSpan(at);
        BinaryPrimitives.WriteInt32LittleEndian(r[4..], courseRank);
        r[8] = correct switch
        {
            false => 0,
            true => 1,
            null => 2,
        };
        BinaryPrimitives.WriteInt64LittleEndian(r[9..], attempts);
        BinaryPrimitives.WriteInt64LittleEndian(r[17..], first);
        BinaryPrimitives.WriteInt64LittleEndian(r[25..], last);
        int n = HeaderBytes;
        n += Text(r[n..], problem);
        n += Text(r[n..], user);
        n += String(r[n..], answerId);
        n += String(r[n..], question);
        BinaryPrimitives.WriteInt32LittleEndian(r[n..], answer.Count);
        n += 4;
        for (int i = 0; i < answer.Count; i++)
        {
            n += String(r[n..], answer[i]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(r, n);
        return n;

        static int Text(Span<byte> into, ReadOnlySpan<byte> utf8)
        {
            if (System.Text.Unicode.Utf8.IsValid(utf8))
            {
                utf8.CopyTo(into[4..]);
                BinaryPrimitives.WriteInt32LittleEndian(into, utf8.Length);
                return 4 + utf8.Length;
            }

            return String(into, Encoding.UTF8.GetString(utf8));
        }

        static int String(Span<byte> into, string text)
        {
            int length = Encoding.UTF8.GetBytes(text, into[4..]);
            BinaryPrimitives.WriteInt32LittleEndian(into, length);
            return 4 + length;
        }
    }

    /// <summary>The length of the row record at the start of <paramref name="record"/>.</summary>
    public static int LengthOf(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt32LittleEndian(record);

    /// <summary>Whether the row's answer was incorrect (for the index page's hardest problems).</summary>
    public static bool IsIncorrect(ReadOnlySpan<byte> record) => record[8] == 0;

    /// <summary>Whether two row records are of the same course and problem.</summary>
    public static bool SameProblem(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        => BinaryPrimitives.ReadInt32LittleEndian(a[4..]) == BinaryPrimitives.ReadInt32LittleEndian(b[4..])
            && a.Slice(HeaderBytes + 4, BinaryPrimitives.ReadInt32LittleEndian(a[HeaderBytes..])).SequenceEqual(b.Slice(HeaderBytes + 4, BinaryPrimitives.ReadInt32LittleEndian(b[HeaderBytes..])));

    /// <summary>The course and problem id of a row record.</summary>
    public static (string Course, string Problem) CourseAndProblem(ReadOnlySpan<byte> record, string[] courses)
        => (courses[BinaryPrimitives.ReadInt32LittleEndian(record[4..])], Encoding.UTF8.GetString(record.Slice(HeaderBytes + 4, BinaryPrimitives.ReadInt32LittleEndian(record[HeaderBytes..]))));

    /// <summary>The row made from its record.</summary>
    public ProblemResponseRow Row(ReadOnlySpan<byte> record)
    {
        int n = HeaderBytes;
        string problem = Text(record, ref n);
        string user = Text(record, ref n);
        string answerId = Text(record, ref n);
        string question = Text(record, ref n);
        int count = BinaryPrimitives.ReadInt32LittleEndian(record[n..]);
        n += 4;
        string[] answer = new string[count];
        for (int i = 0; i < count; i++)
        {
            answer[i] = Text(record, ref n);
        }

        bool? correct = record[8] switch
        {
            0 => false,
            1 => true,
            _ => null,
        };
        return new ProblemResponseRow(_courses[BinaryPrimitives.ReadInt32LittleEndian(record[4..])], problem, user, answerId, question, answer, correct,
            BinaryPrimitives.ReadInt64LittleEndian(record[9..]), new DateTime(BinaryPrimitives.ReadInt64LittleEndian(record[17..]), DateTimeKind.Utc),
            new DateTime(BinaryPrimitives.ReadInt64LittleEndian(record[25..]), DateTimeKind.Utc));

        static string Text(ReadOnlySpan<byte> record, ref int n)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(record[n..]);
            string text = Encoding.UTF8.GetString(record.Slice(n + 4, length));
            n += 4 + length;
            return text;
        }
    }

    /// <summary>
    /// Adds the rows to <paramref name="table"/> (a CSV when <paramref name="csv"/>) straight from the records, as <see cref="ProblemResponseSection"/>
    /// writes a row: no row object is made, and a text equal to the row before's (course, problem, question, answer,
    /// times) is not made again. What is made is collected every <see cref="CollectAfterBytes"/>: the young
    /// generation's budget let a table's texts pile up (over 4M events the run peaked 48 MiB above its completion).
    /// </summary>
    public void WriteTo(ReportTable table, bool csv)
    {
        var cursor = new Cursor(_runs);
        TextCache problem = new(), user = new(), question = new(), answer = new();
        string[] counts = new string[256];
        (long Ticks, string Text) first = (long.MinValue, string.Empty), last = (long.MinValue, string.Empty);
        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        while (cursor.MoveNext())
        {
            ReadOnlySpan<byte> r = cursor.Current;
            int n = HeaderBytes;
            string problemText = problem.Text(Field(r, ref n));
            string userText = user.Text(Field(r, ref n));
            Field(r, ref n); // the answer id: not a column
            string questionText = question.Text(Field(r, ref n));
            int values = BinaryPrimitives.ReadInt32LittleEndian(r[n..]);
            ReadOnlySpan<byte> answers = r[n..LengthOf(r)];
            string answerText = answer.Joined(answers, values);
            long attempts = BinaryPrimitives.ReadInt64LittleEndian(r[9..]);
            long firstTicks = BinaryPrimitives.ReadInt64LittleEndian(r[17..]), lastTicks = BinaryPrimitives.ReadInt64LittleEndian(r[25..]);
            if (first.Ticks != firstTicks)
            {
                first = (firstTicks, ProblemResponseSection.Time(new DateTime(firstTicks, DateTimeKind.Utc)));
            }

            if (last.Ticks != lastTicks)
            {
                last = (lastTicks, ProblemResponseSection.Time(new DateTime(lastTicks, DateTimeKind.Utc)));
            }

            bool? correct = r[8] switch
            {
                0 => false,
                1 => true,
                _ => null,
            };
            table.Add(_courses[BinaryPrimitives.ReadInt32LittleEndian(r[4..])]).Add(problemText).Add(userText).Add(questionText).Add(answerText)
                .Add(ProblemResponseSection.Correct(correct));
            if (csv && attempts is >= 0 and < 256)
            {
                table.Add(counts[attempts] ??= CsvTable.Number(attempts));
            }
            else
            {
                table.Add(attempts);
            }

            table.Add(first.Text).Add(last.Text).EndRow();
            if (GC.GetTotalAllocatedBytes(precise: false) - allocated >= CollectAfterBytes)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                allocated = GC.GetTotalAllocatedBytes(precise: false);
            }
        }

        static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> r, ref int n)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(r[n..]);
            ReadOnlySpan<byte> text = r.Slice(n + 4, length);
            n += 4 + length;
            return text;
        }
    }

    /// <summary>The rows' records in the table's order, the runs merged as they are read.</summary>
    public Cursor Records() => new(_runs);

    public IEnumerator<ProblemResponseRow> GetEnumerator()
    {
        var cursor = new Cursor(_runs);
        while (cursor.MoveNext())
        {
            yield return Row(cursor.Current);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Compares two row records as the table orders rows: course (by rank: the names' ordinal order), problem id,
    /// username, answer id, each text as <see cref="string.CompareOrdinal(string, string)"/> orders its string.
    /// </summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int c = BinaryPrimitives.ReadInt32LittleEndian(a[4..]).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b[4..]));
        int na = HeaderBytes, nb = HeaderBytes;
        for (int field = 0; c == 0 && field < 3; field++)
        {
            int la = BinaryPrimitives.ReadInt32LittleEndian(a[na..]), lb = BinaryPrimitives.ReadInt32LittleEndian(b[nb..]);
            c = CompareUtf16Order(a.Slice(na + 4, la), b.Slice(nb + 4, lb));
            na += 4 + la;
            nb += 4 + lb;
        }

        return c;
    }

    /// <summary>
    /// Orders two valid UTF-8 texts as their UTF-16 strings compare ordinally: as the bytes (code points) but where a
    /// code point past U+FFFF (a surrogate pair in UTF-16) meets one of U+E000-U+FFFF, which UTF-16 puts after it.
    /// </summary>
    internal static int CompareUtf16Order(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = a.CommonPrefixLength(b);
        if (i == a.Length || i == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        if (a[i] < 0x80 && b[i] < 0x80)
        {
            return a[i].CompareTo(b[i]);
        }

        // Back to the start of the code point they differ in (the same in both: they agree before it).
        while (i > 0 && (a[i] & 0xC0) == 0x80)
        {
            i--;
        }

        Rune.DecodeFromUtf8(a[i..], out Rune ra, out _);
        Rune.DecodeFromUtf8(b[i..], out Rune rb, out _);
        return Utf16Key(ra.Value).CompareTo(Utf16Key(rb.Value));

        // The first UTF-16 unit decides, then the code point (two pairs with the same first unit order as their code points).
        static long Utf16Key(int v) => v < 0x10000 ? (long)v << 21 : ((0xD800L + ((v - 0x10000) >> 10)) << 21) | (uint)v;
    }

    /// <summary>Orders row records at their starts in one buffer (<see cref="Compare"/>), through a struct comparer.</summary>
    public readonly struct RowOrder(byte[] bytes) : IComparer<int>
    {
        public int Compare(int x, int y) => ProblemResponseRowList.Compare(bytes.AsSpan(x), bytes.AsSpan(y));
    }

    /// <summary>A sorted run of row records: LZ4 blocks of whole records, each <c>[raw length][compressed bytes]</c>.</summary>
    public sealed class Run
    {
        private readonly ScratchBlocks _store;
        private readonly List<int> _blocks = [];
        private byte[] _raw = new byte[BlockBytes];
        private byte[] _compressed = [];
        private int _used;

        /// <param name="store">Where the run's compressed blocks are kept (in memory up to its budget, then in a scratch file), shared by the list's runs.</param>
        public Run(ScratchBlocks store) => _store = store;

        public int BlockCount => _blocks.Count;

        /// <summary>Appends a record (records come in the run's order); the block is compressed when the next would not fit.</summary>
        public void Add(ReadOnlySpan<byte> record)
        {
            if (_used + record.Length > _raw.Length)
            {
                Seal();
                if (record.Length > _raw.Length)
                {
                    _raw = new byte[record.Length];
                }
            }

            record.CopyTo(_raw.AsSpan(_used));
            _used += record.Length;
        }

        /// <summary>Compresses what is left; the run is read only from here on.</summary>
        public Run Complete()
        {
            Seal();
            _raw = [];
            _compressed = [];
            return this;
        }

        /// <summary>
        /// Decompresses block <paramref name="index"/> into <paramref name="into"/> (grown when needed; <paramref name="compressed"/>
        /// is the reader's buffer for a block read from the scratch file); returns its length.
        /// </summary>
        public int Read(int index, ref byte[] into, ref byte[] compressed)
        {
            ReadOnlySpan<byte> block = _store.Read(_blocks[index], ref compressed);
            int length = BinaryPrimitives.ReadInt32LittleEndian(block);
            if (into.Length < length)
            {
                into = new byte[length];
            }

            int decoded = LZ4Codec.Decode(block[4..], into.AsSpan(0, length));
            return decoded == length ? length : throw new InvalidDataException("A problem_response row block does not decode to its length.");
        }

        private void Seal()
        {
            if (_used == 0)
            {
                return;
            }

            int bound = 4 + LZ4Codec.MaximumOutputSize(_used);
            if (_compressed.Length < bound)
            {
                _compressed = new byte[bound];
            }

            int length = LZ4Codec.Encode(_raw.AsSpan(0, _used), _compressed.AsSpan(4), LZ4Level.L00_FAST);
            BinaryPrimitives.WriteInt32LittleEndian(_compressed, _used);
            _blocks.Add(_store.Add(_compressed.AsSpan(0, 4 + length)));
            _used = 0;
        }
    }

    /// <summary>Merges the sorted runs: the records in the table's order (16 runs: a scan beats a heap), a block of each run decompressed at a time.</summary>
    public sealed class Cursor
    {
        private readonly Run[] _runs;
        private readonly byte[][] _blocks;
        private readonly int[] _block;
        private readonly int[] _length;
        private readonly int[] _at;
        private byte[] _compressed = [];
        private int _current = -1;
        private int _currentAt;

        public Cursor(Run[] runs)
        {
            _runs = runs;
            _blocks = new byte[runs.Length][];
            _block = new int[runs.Length];
            _length = new int[runs.Length];
            _at = new int[runs.Length];
            for (int r = 0; r < runs.Length; r++)
            {
                _blocks[r] = [];
                _block[r] = -1;
            }
        }

        /// <summary>The record <see cref="MoveNext"/> moved to: valid until the next move.</summary>
        public ReadOnlySpan<byte> Current => _blocks[_current].AsSpan(_currentAt);

        public bool MoveNext()
        {
            if (_current >= 0)
            {
                _at[_current] += LengthOf(_blocks[_current].AsSpan(_currentAt));
            }

            _current = -1;
            for (int r = 0; r < _runs.Length; r++)
            {
                // A run whose block is read through moves to its next block (decompressed over the last).
                while (_at[r] == _length[r] && _block[r] + 1 < _runs[r].BlockCount)
                {
                    _length[r] = _runs[r].Read(++_block[r], ref _blocks[r], ref _compressed);
                    _at[r] = 0;
                }

                if (_at[r] < _length[r] && (_current < 0 || ProblemResponseRowList.Compare(_blocks[r].AsSpan(_at[r]), _blocks[_current].AsSpan(_at[_current])) < 0))
                {
                    _current = r;
                }
            }

            if (_current < 0)
            {
                return false;
            }

            _currentAt = _at[_current];
            return true;
        }
    }

    /// <summary>The text of the last UTF-8 bytes asked for, made again only when the bytes differ.</summary>
    private sealed class TextCache
    {
        private byte[] _bytes = [];
        private int _length = -1;
        private string _text = string.Empty;

        public string Text(ReadOnlySpan<byte> utf8) => Same(utf8) ? _text : Keep(utf8, Encoding.UTF8.GetString(utf8));

        /// <summary>The values of an answer (<c>[count][length][bytes]...</c>) joined by <c>|</c>, as the CSV writes them.</summary>
        public string Joined(ReadOnlySpan<byte> answers, int count)
        {
            if (Same(answers))
            {
                return _text;
            }

            var values = new string[count];
            int n = 4;
            for (int i = 0; i < count; i++)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(answers[n..]);
                values[i] = Encoding.UTF8.GetString(answers.Slice(n + 4, length));
                n += 4 + length;
            }

            return Keep(answers, string.Join('|', values));
        }

        private bool Same(ReadOnlySpan<byte> utf8) => _length == utf8.Length && utf8.SequenceEqual(_bytes.AsSpan(0, _length));

        private string Keep(ReadOnlySpan<byte> utf8, string text)
        {
            if (_bytes.Length < utf8.Length)
            {
                _bytes = new byte[Math.Max(utf8.Length, _bytes.Length * 2)];
            }

            utf8.CopyTo(_bytes);
            _length = utf8.Length;
            _text = text;
            return text;
        }
    }
}
