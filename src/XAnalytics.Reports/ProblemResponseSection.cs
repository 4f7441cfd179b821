using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>problem_response.csv</c>: edX's latest problem responses (<c>edx/analytics/tasks/insights/problem_response.py</c>,
/// <c>LatestProblemResponseDataTask.mapper</c>, <c>.reducer</c> and <c>get_answer_data</c>, with
/// <c>answer_dist.get_problem_check_event</c> and <c>ProblemCheckEventMixin._generate_answers</c>): per course, problem
/// and learner, the answers of their latest submission, with their number of submissions and the first and last times.
/// </summary>
/// <remarks>
/// <para>A submission is a server <c>problem_check</c> with a non-blank <c>username</c> (stripped), a context with a
/// valid <c>course_id</c>, event data with a <c>problem_id</c> and a non-empty <c>answers</c> object whose ids (and
/// those of <c>submission</c>, which must be an object when present) are ASCII without tab or newline.</para>
/// <para>The latest submission's answers: with <c>submission</c> each of its answer ids (but <c>_dynamath</c> and
/// <c>_comment</c> ones), its <c>question</c> and <c>answer</c>; without it (older events) each id of <c>answers</c>
/// that <c>correct_map</c> has, the answer being the <c>answers</c> value. Correct is <c>correct_map[id].correctness</c>:
/// <c>correct</c> true, <c>incorrect</c> false, else unknown. Text is cleaned as edX's <c>_clean_string</c>: white space
/// runs become one space, then <c>&lt;choicehint&gt;</c> elements are removed.</para>
/// <para>The CSV is written as edX's report with its acceptance settings: times <c>2016-09-07T04:57:09Z</c>, list
/// answers joined by <c>|</c>, correctness <c>True</c>/<c>False</c>/<c>None</c>. edX's <c>location</c>, <c>sort_idx</c> and
/// order come from course structure (SQL/REST), which logs lack: rows are sorted by course, problem, username and
/// answer id instead.</para>
/// </remarks>
public sealed partial class ProblemResponseSection : IPartialAggregate<ProblemResponsePartial>, IReportSection
{
    /// <summary>The name <c>--only</c> selects the section by.</summary>
    public const string SectionName = "problem_response";

    /// <summary>
    /// Learner problems a worker's table holds before it empties into its learner buckets (see
    /// <see cref="ProblemResponsePartial"/>; the answer distribution's tables too). The full report over 1M generated
    /// events peaked at 289-293 MiB with tables of 8,192 and 8 MiB of texts (every section's worker partials are alive
    /// at once), 229-240 MiB with 2,048 and 1 MiB, 234 MiB with 512 and 256 KiB; over 4M events and 100,000 learners
    /// (few submissions repeat within a table's life) the three were alike (439-468 MiB).
    /// </summary>
    internal const int DefaultTableCapacity = 2048;

    /// <summary>Bytes of texts a worker's table holds before it empties (a submission's compact copy is about 500 bytes).</summary>
    internal const int DefaultArenaLimit = 1 << 20;

    /// <summary>Bytes per held block of a learner bucket (a worker holds up to <see cref="LearnerBuckets.Count"/> of them).</summary>
    internal const int DefaultBlockBytes = 64 * 1024;

    /// <summary>What completion allocates before it collects the young generations (see <see cref="Complete"/>).</summary>
    private const long CollectAfterBytes = 8L << 20;

    private static readonly FieldPath s_username = FieldPath.Parse("username");

    private readonly EventFacts _facts;
    private readonly BucketSpill<byte> _spill;
    private readonly long _partBytes;
    private readonly string? _scratch;
    private readonly long _rowSpillBytes;
    private IReadOnlyList<((string Course, string Problem) Key, (long Learners, long Wrong) Value)> _hardest = [];

    internal ProblemResponseSection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _spill = new BucketSpill<byte>(options.ScratchDirectory, "problem-response");
        int? held = options.ProblemTablesHeld;
        TableCapacity = held ?? DefaultTableCapacity;
        ArenaLimit = held is int h ? h * 64 : DefaultArenaLimit;
        BlockBytes = held is int k ? k * 64 : DefaultBlockBytes;
        _partBytes = options.CompletionPartBytes ?? LearnerBuckets.PartBytes;
        _scratch = options.ScratchDirectory;
        _rowSpillBytes = options.RowSpillBytes ?? ReportOptions.DefaultRowSpillBytes;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows; null until the run has ended. Kept compact, each row made when read (see <see cref="ProblemResponseRowList"/>).</summary>
    public IReadOnlyList<ProblemResponseRow>? Rows { get; private set; }

    /// <summary>Learner problems per worker table (for tests).</summary>
    internal int TableCapacity { get; }

    /// <summary>Bytes of texts per worker table (for tests).</summary>
    internal int ArenaLimit { get; }

    /// <summary>Bytes per held block (for tests).</summary>
    internal int BlockBytes { get; }

    /// <summary>The section's scratch files (for tests).</summary>
    internal BucketSpill<byte> Spill => _spill;

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["problem_response.csv", "problem_response.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public ProblemResponsePartial CreatePartial() => new(_spill, TableCapacity, ArenaLimit, BlockBytes);

    /// <inheritdoc/>
    public void Accumulate(ProblemResponsePartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            // The event data (answers checked, problem id, compact copy: see Compact) is read once for both problem tables.
            if (!ServerProblemCheck.Is(in f)
                || !batch.TryGetField(i, s_username, out FieldValue u) || u.Kind != JsonTokenType.String
                || !_facts.Submissions.TryRead(batch, i, out ReadOnlySpan<byte> problemId, out ulong problemHash, out ReadOnlySpan<byte> compact))
            {
                continue;
            }

            // problem_response.py's mapper drops a blank username (stripped), but the learner is keyed and written by
            // the username as logged (get_augmented_event_data): " ann" and "ann" are two.
            ReadOnlySpan<byte> name = Unescaped(target, u);
            if (EdxValues.Strip(name).IsEmpty)
            {
                continue;
            }

            target.Add(f.Course, name, XxHash3.HashToUInt64(name), problemId, problemHash, 1, f.Ticks, f.Ticks, compact);
        }
    }

    /// <inheritdoc/>
    public void Merge(ProblemResponsePartial into, ProblemResponsePartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        // The learner problems of both are folded at completion: the other's table is handed to its buckets, and its
        // blocks taken whole (its spilled ones by owner).
        from.Flush();
        into.Records.MergeWholeFrom(from.Records);
        into.Courses.UnionWith(from.Courses);
    }

    /// <inheritdoc/>
    public void Complete(ProblemResponsePartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ScratchBlocks? store = null;
        try
        {
            (int[] courseRank, string[] courseNames) = result.Courses.Ranks(_facts.Courses);
            result.Flush();

            // Bucket after bucket (a learner problem's records are all in one): its records sorted by learner problem, each
            // learner problem's records folded (attempts added, first and latest kept), the latest submission's
            // answers made row records, sorted in the table's order. The runs are merged as the rows are read.
            int parts = result.Records.PartsFor(_partBytes);
            CompletionParts = parts;
            // The rows' compressed blocks past the budget go to a scratch file, kept until the report is written.
            store = new ScratchBlocks(_scratch, "problem-response-rows", _rowSpillBytes);
            var runs = new ProblemResponseRowList.Run[LearnerBuckets.Count * parts];
            int rows = 0;
            // One bucket at a time: two in parallel held two buckets' records and row buffers at once (the peak of
            // completion over 4M events and 100,000 learners), for the same CPU time.
            var worker = new CompleteWorker();
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            for (int at = 0; at < runs.Length; at++)
            {
                // A large bucket in parts (a learner problem's records all in one): what is held at a time stays bounded.
                runs[at] = worker.Fold(result.Records, at / parts, at % parts, parts, courseRank, store, out int count);
                rows += count;

                // A bucket's answers are parsed into short-lived texts (about 12 MiB a bucket over 4M events and
                // 100,000 learners): collected after each bucket, the young generation's budget let them pile up
                // until the end (the heap grew from 88 to 259 MiB over the 16 buckets).
                if (GC.GetTotalAllocatedBytes(precise: false) - allocated >= CollectAfterBytes)
                {
                    GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                    allocated = GC.GetTotalAllocatedBytes(precise: false);
                }
            }

            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now
            var list = new ProblemResponseRowList(runs, courseNames, rows, store);
            store = null; // the list owns it now
            Rows = list;
            _hardest = Hardest(list, courseNames);
        }
        finally
        {
            store?.Dispose(); // a completion that failed
            _spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill()
    {
        _spill.Close();
        (Rows as IDisposable)?.Dispose(); // its rows' scratch file, if it has one
    }

    /// <summary>The parts each learner bucket was read in at the end of the run (<see cref="LearnerBuckets.Parts"/>), for tests; 0 before.</summary>
    internal int CompletionParts { get; private set; }

    /// <inheritdoc/>
    public string StateName => "report.problem-response";

    /// <inheritdoc/>
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses (by canonical id), then per learner's problem (course, username bytes, problem id bytes, in that
    /// order): attempts, first and last submission times (zigzag ticks) and the last submission's compact copy (bytes).
    /// </remarks>
    public void WritePartial(ProblemResponsePartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);

        // Every learner problem of the partial, folded bucket by bucket (the partial keeps its records: it is only read).
        state.Flush();
        var bucket = new RecordBuffer<byte>();
        var starts = new RecordBuffer<int>();
        var all = new RecordBuffer<byte>();
        byte[] one = new byte[1024];
        var usedCourses = new HashSet<int>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            ProblemResponseRecords.ReadSorted(state.Records, b, 0, 1, bucket, starts); // the whole bucket
            ReadOnlySpan<int> sorted = starts.Span;
            for (int i = 0; i < sorted.Length;)
            {
                i = NextLearnerProblem(bucket.Items, sorted, i, out long attempts, out long first, out int latestStart);
                ReadOnlySpan<byte> latestRecord = bucket.Items.AsSpan(latestStart);
                int course = ProblemResponseRecords.Course(latestRecord);
                usedCourses.Add(course);
                int length = ProblemResponseRecords.Write(ref one, course, attempts, first, ProblemResponseRecords.Last(latestRecord),
                    ProblemResponseRecords.User(latestRecord), ProblemResponseRecords.Problem(latestRecord), ProblemResponseRecords.Latest(latestRecord));
                all.AddRange(one.AsSpan(0, length));
            }
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        var order = new RecordBuffer<int>();
        ProblemResponseRecords.Index(all.Span, order);
        order.Span.Sort(new WrittenOrder(all.Items, courses));
        writer.WriteUInt((ulong)order.Count);
        foreach (int at in order.Span)
        {
            ReadOnlySpan<byte> r = all.Items.AsSpan(at);
            writer.WriteUInt((ulong)courses[ProblemResponseRecords.Course(r)]);
            writer.WriteBytes(ProblemResponseRecords.User(r));
            writer.WriteBytes(ProblemResponseRecords.Problem(r));
            writer.WriteUInt((ulong)ProblemResponseRecords.Attempts(r));
            writer.WriteInt(ProblemResponseRecords.First(r));
            writer.WriteInt(ProblemResponseRecords.Last(r));
            writer.WriteBytes(ProblemResponseRecords.Latest(r));
        }
    }

    /// <inheritdoc/>
    public ProblemResponsePartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ProblemResponsePartial partial = CreatePartial();
        int[] courses = _facts.Courses.ReadMap(reader);
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            ReadOnlySpan<byte> user = reader.ReadBytes();
            ulong userHash = XxHash3.HashToUInt64(user);
            ReadOnlySpan<byte> problemId = reader.ReadBytes();
            ulong problemHash = XxHash3.HashToUInt64(problemId);
            long attempts = (long)reader.ReadUInt();
            long first = reader.ReadInt(), last = reader.ReadInt();
            ReadOnlySpan<byte> latest = reader.ReadBytes();
            if (course < 0 || user.IsEmpty || attempts < 1 || first > last)
            {
                throw reader.Corrupt("a problem response without course, learner or attempts");
            }

            partial.Add(course, user, userHash, problemId, problemHash, attempts, first, last, latest);
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        // correct stays edX's text (True, False or None); the attempt times stay edX's ISO text.
        using var table = new ReportTable(directory, "problem_response", format, ReportTable.Text("course_id"), ReportTable.Text("problem_id"), ReportTable.Text("username"),
            ReportTable.Text("question"), ReportTable.Text("answer"), ReportTable.Text("correct"), ReportTable.Count("total_attempts"),
            ReportTable.Time("first_attempt_date"), ReportTable.Time("last_attempt_date"));
        if (Rows is ProblemResponseRowList compact)
        {
            compact.WriteTo(table, format == ReportFormat.Csv);
        }
        else
        {
            foreach (ProblemResponseRow r in Rows ?? [])
            {
                table.Add(r.CourseId).Add(r.ProblemId).Add(r.Username).Add(r.Question).Add(string.Join('|', r.Answer)).Add(Correct(r.Correct)).Add(r.TotalAttempts)
                    .Add(Time(r.FirstAttemptDate)).Add(Time(r.LastAttemptDate)).EndRow();
            }
        }

        table.Complete();
        written.Add(table.FileName);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        // The hardest problems: the most learners whose latest answer is wrong (counted at completion, see Hardest).
        IReadOnlyList<((string Course, string Problem) Key, (long Learners, long Wrong) Value)> hardest = _hardest;
        html.Append("<h2>Problem responses (edX)</h2>\n<p class=\"note\">Each learner's latest answer per problem (edX's problem response report, "
            + "problem_response.py), here per problem: answers whose latest submission was incorrect, hardest first. "
            + "<a href=\"problem_response.csv\">problem_response.csv</a></p>\n");
        ReportWriter.Table(html, ["course", "problem", "answers", "incorrect", "share incorrect"], hardest.Count, i =>
        {
            var kv = hardest[i];
            return [kv.Key.Course, kv.Key.Problem, ReportWriter.N(kv.Value.Learners), ReportWriter.N(kv.Value.Wrong),
                ((double)kv.Value.Wrong / kv.Value.Learners).ToString("P0", CultureInfo.InvariantCulture)];
        }, numeric: [2, 3, 4]);
    }

    /// <summary>
    /// Per course and problem, the answers and the incorrect ones, hardest first: read off the sorted runs, whose rows
    /// come by course and problem (no row object made; a problem's text once).
    /// </summary>
    private static List<((string Course, string Problem) Key, (long Learners, long Wrong) Value)> Hardest(ProblemResponseRowList rows, string[] courseNames)
    {
        var byProblem = new List<((string Course, string Problem) Key, (long Learners, long Wrong) Value)>();
        ProblemResponseRowList.Cursor cursor = rows.Records();
        byte[] last = [];
        while (cursor.MoveNext())
        {
            ReadOnlySpan<byte> r = cursor.Current;
            if (byProblem.Count == 0 || !ProblemResponseRowList.SameProblem(last, r))
            {
                (string course, string problem) = ProblemResponseRowList.CourseAndProblem(r, courseNames);
                byProblem.Add(((course, problem), (0, 0)));
                last = r[..ProblemResponseRowList.LengthOf(r)].ToArray(); // once per problem: the cursor's block is read over
            }

            var (key, (learners, wrong)) = byProblem[^1];
            byProblem[^1] = (key, (learners + 1, wrong + (ProblemResponseRowList.IsIncorrect(r) ? 1 : 0)));
        }

        return byProblem.OrderByDescending(kv => kv.Value.Learners == 0 ? 0 : (double)kv.Value.Wrong / kv.Value.Learners)
            .ThenByDescending(kv => kv.Value.Learners).ThenBy(kv => kv.Key.Course, StringComparer.Ordinal).ThenBy(kv => kv.Key.Problem, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Folds the records of one learner problem, from <paramref name="i"/> of <paramref name="sorted"/> (record starts
    /// in <paramref name="bytes"/>, sorted by <see cref="ProblemResponseRecords.KeyOrder"/>): attempts added, the first
    /// time, and the record of the latest submission (by time, a tie keeping the greater text, as edX's sort of
    /// (timestamp, json) tuples keeps its last). Returns where the next learner problem starts.
    /// </summary>
    private static int NextLearnerProblem(byte[] bytes, ReadOnlySpan<int> sorted, int i, out long attempts, out long first, out int latestStart)
    {
        var order = new ProblemResponseRecords.KeyOrder(bytes);
        latestStart = sorted[i];
        ReadOnlySpan<byte> latestRecord = bytes.AsSpan(latestStart);
        attempts = ProblemResponseRecords.Attempts(latestRecord);
        first = ProblemResponseRecords.First(latestRecord);
        int j = i + 1;
        for (; j < sorted.Length && order.Compare(sorted[i], sorted[j]) == 0; j++)
        {
            ReadOnlySpan<byte> r = bytes.AsSpan(sorted[j]);
            attempts += ProblemResponseRecords.Attempts(r);
            first = Math.Min(first, ProblemResponseRecords.First(r));
            long last = ProblemResponseRecords.Last(r), latest = ProblemResponseRecords.Last(latestRecord);
            if (last > latest || (last == latest && ProblemResponseRecords.Latest(r).SequenceCompareTo(ProblemResponseRecords.Latest(latestRecord)) > 0))
            {
                latestStart = sorted[j];
                latestRecord = r;
            }
        }

        return j;
    }

    /// <summary><c>_generate_answers</c> and <c>get_answer_data</c> over the latest submission's event data.</summary>
    internal static IEnumerable<(string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)> Answers(JsonElement data)
    {
        if (!data.TryGetProperty("answers", out JsonElement answers) || answers.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        bool hasCorrectMap = data.TryGetProperty("correct_map", out JsonElement correctMap) && correctMap.ValueKind == JsonValueKind.Object;
        if (data.TryGetProperty("submission", out JsonElement submissions) && submissions.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty submission in submissions.EnumerateObject())
            {
                // edX's answers[answer_id] would fail on an id answers lacks: such an answer is skipped.
                if (IsHidden(submission.Name) || submission.Value.ValueKind != JsonValueKind.Object || !answers.TryGetProperty(submission.Name, out JsonElement value))
                {
                    continue;
                }

                JsonElement shown = submission.Value.TryGetProperty("answer", out JsonElement answer) ? answer : value;
                string question = submission.Value.TryGetProperty("question", out JsonElement q) && q.ValueKind == JsonValueKind.String ? Clean(q.GetString()!) : string.Empty;
                yield return (submission.Name, question, AnswerText(shown), Correctness(hasCorrectMap, correctMap, submission.Name));
            }

            yield break;
        }

        foreach (JsonProperty answer in answers.EnumerateObject())
        {
            if (IsHidden(answer.Name) || !hasCorrectMap || !correctMap.TryGetProperty(answer.Name, out _))
            {
                continue;
            }

            yield return (answer.Name, string.Empty, AnswerText(answer.Value), Correctness(hasCorrectMap, correctMap, answer.Name));
        }
    }

    /// <summary><c>_clean_string</c>: white space runs to one space, then <c>choicehint</c> elements removed.</summary>
    internal static string Clean(string text) => ChoiceHint().Replace(Whitespace().Replace(text, " "), string.Empty);

    private static bool IsHidden(string answerId) => answerId.EndsWith("_dynamath", StringComparison.Ordinal) || answerId.EndsWith("_comment", StringComparison.Ordinal);

    private static bool? Correctness(bool hasCorrectMap, JsonElement correctMap, string answerId)
    {
        if (!hasCorrectMap || !correctMap.TryGetProperty(answerId, out JsonElement entry) || entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("correctness", out JsonElement c) || c.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return c.GetString() switch
        {
            "correct" => true,
            "incorrect" => false,
            _ => null,
        };
    }

    private static string[] AnswerText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [Clean(value.GetString()!)],
        JsonValueKind.Array => [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? Clean(v.GetString()!) : v.GetRawText())],
        _ => [value.GetRawText()],
    };

    internal static string Correct(bool? correct) => correct switch
    {
        true => "True",
        false => "False",
        null => "None",
    };

    internal static string Time(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>get_problem_check_event</c>'s checks of <c>answers</c> and <c>submission</c> (<c>_check_answer_ids</c>).</summary>
    internal static bool ValidAnswers(in ObjectMembers data)
    {
        if (!data.TryGet("answers"u8, out FieldValue answers) || answers.Kind != JsonTokenType.StartObject || !ValidIds(answers.RawJson, out int count) || count == 0)
        {
            return false;
        }

        return !data.TryGet("submission"u8, out FieldValue submission)
            || (submission.Kind == JsonTokenType.StartObject && ValidIds(submission.RawJson, out _));
    }

    /// <summary>
    /// What the answer tables read of a submission's event data, as one small JSON object written into
    /// <paramref name="buffer"/> (grown when needed): its <c>answers</c>, <c>submission</c> and <c>correct_map</c>, and
    /// <c>state</c> for an older event without <c>submission</c> (its seed is the variant). The rest (the full state,
    /// grades, attempts) is not kept: about half of a submission's bytes.
    /// </summary>
    internal static ReadOnlySpan<byte> Compact(in ObjectMembers data, ref byte[] buffer)
    {
        int length = 1;
        Span<byte> into = Ensure(ref buffer, 2);
        into[0] = (byte)'{';
        bool hasSubmission = data.TryGet("submission"u8, out _);
        ReadOnlySpan<byte> names = hasSubmission ? "answers submission correct_map"u8 : "answers correct_map state"u8;
        foreach (Range r in names.Split((byte)' '))
        {
            ReadOnlySpan<byte> key = names[r];
            if (!data.TryGet(key, out FieldValue value))
            {
                continue;
            }

            into = Ensure(ref buffer, length + key.Length + value.RawJson.Length + 5);
            if (length > 1)
            {
                into[length++] = (byte)',';
            }

            into[length++] = (byte)'"';
            key.CopyTo(into[length..]);
            length += key.Length;
            into[length++] = (byte)'"';
            into[length++] = (byte)':';
            value.RawJson.CopyTo(into[length..]);
            length += value.RawJson.Length;
        }

        into = Ensure(ref buffer, length + 1);
        into[length++] = (byte)'}';
        return into[..length];

        static Span<byte> Ensure(ref byte[] buffer, int size)
        {
            if (buffer.Length < size)
            {
                Array.Resize(ref buffer, Math.Max(size, buffer.Length * 2));
            }

            return buffer;
        }
    }

    /// <summary>The object's keys are ASCII without tab or newline (a lone surrogate escape is not ASCII); false when nested deeper than <see cref="EdxJson.MaxDepth"/>.</summary>
    private static bool ValidIds(ReadOnlySpan<byte> json, out int count)
    {
        count = 0;
        var reader = new Utf8JsonReader(json, EdxJson.ReaderOptions);
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    count++;
                    scoped ReadOnlySpan<byte> key = reader.ValueSpan;
                    if (reader.ValueIsEscaped)
                    {
                        if (key.Length > buffer.Length)
                        {
                            return false;
                        }

                        key = buffer[..EdxJson.CopyString(in reader, buffer)];
                    }

                    foreach (byte b in key)
                    {
                        if (b >= 0x80 || b is (byte)'\n' or (byte)'\t')
                        {
                            return false;
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return true;
    }

    private static ReadOnlySpan<byte> Unescaped(ProblemResponsePartial target, in FieldValue v)
    {
        if (!v.HasEscapes)
        {
            return v.Utf8;
        }

        if (target.Unescaped.Length < v.Utf8.Length)
        {
            target.Unescaped = new byte[v.Utf8.Length * 2];
        }

        return target.Unescaped.AsSpan(0, JsonBytes.Unescape(v.Utf8, target.Unescaped));
    }

    [GeneratedRegex(@"[ \t\n\r\f\v]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?:<choicehint.*?</choicehint>)|(?:<choicehint.*?\>)")]
    private static partial Regex ChoiceHint();
    /// <summary>Orders folded records as a partial writes them: course (by written position), username, problem id bytes.</summary>
    private readonly struct WrittenOrder(byte[] bytes, int[] coursePositions) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            ReadOnlySpan<byte> a = bytes.AsSpan(x), b = bytes.AsSpan(y);
            int c = coursePositions[ProblemResponseRecords.Course(a)].CompareTo(coursePositions[ProblemResponseRecords.Course(b)]);
            c = c != 0 ? c : ProblemResponseRecords.User(a).SequenceCompareTo(ProblemResponseRecords.User(b));
            return c != 0 ? c : ProblemResponseRecords.Problem(a).SequenceCompareTo(ProblemResponseRecords.Problem(b));
        }
    }

    /// <summary>A worker of <see cref="Complete"/>: its buffers (kept from bucket to bucket) and the answers of the submissions it parsed lately.</summary>
    private sealed class CompleteWorker
    {
        private const int MaxCached = 4096;

        private readonly RecordBuffer<byte> _bucket = new();
        private readonly RecordBuffer<int> _starts = new();
        private readonly RecordBuffer<int> _rowStarts = new();
        private readonly Dictionary<ulong, (ReadOnlyMemory<byte> Submission, (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[] Answers)> _answers = [];
        private byte[] _rows = new byte[64 * 1024];

        /// <summary>Folds part <paramref name="part"/> of <paramref name="parts"/> of bucket <paramref name="b"/> of <paramref name="records"/> (let go of after its last part) into its sorted run of row records.</summary>
        public ProblemResponseRowList.Run Fold(HeldRecords<byte> records, int b, int part, int parts, int[] courseRank, ScratchBlocks store, out int count)
        {
            _rowStarts.Clear();
            _answers.Clear(); // it points into the bucket's buffer, which is read over now
            ProblemResponseRecords.ReadSorted(records, b, part, parts, _bucket, _starts);
            if (part == parts - 1)
            {
                records.ReleaseBucket(b);
            }

            byte[] bytes = _bucket.Items;
            ReadOnlySpan<int> sorted = _starts.Span;
            int used = 0;
            for (int i = 0; i < sorted.Length;)
            {
                i = NextLearnerProblem(bytes, sorted, i, out long attempts, out long first, out int start);
                ReadOnlySpan<byte> r = bytes.AsSpan(start);
                int rank = courseRank[ProblemResponseRecords.Course(r)];
                foreach ((string answerId, string question, IReadOnlyList<string> answer, bool? correct) in AnswersOf(ProblemResponseRecords.LatestOf(bytes, start)))
                {
                    _rowStarts.Add(used);
                    used += ProblemResponseRowList.Encode(ref _rows, used, rank, ProblemResponseRecords.Problem(r), ProblemResponseRecords.User(r), answerId, question, answer,
                        correct, attempts, first, ProblemResponseRecords.Last(r));
                }
            }

            _rowStarts.Span.Sort(new ProblemResponseRowList.RowOrder(_rows));
            var run = new ProblemResponseRowList.Run(store);
            foreach (int start in _rowStarts.Span)
            {
                run.Add(_rows.AsSpan(start, ProblemResponseRowList.LengthOf(_rows.AsSpan(start))));
            }

            run.Complete();
            count = _rowStarts.Count;
            return run;
        }

        /// <summary>
        /// The answers of a latest submission, parsed once for the learners who gave the same answers lately. Past
        /// <see cref="MaxCached"/> submissions the cache starts again (answers many learners share are parsed again
        /// once per restart).
        /// </summary>
        private (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[] AnswersOf(ReadOnlyMemory<byte> submission)
        {
            ulong hash = XxHash3.HashToUInt64(submission.Span);
            if (_answers.TryGetValue(hash, out var known) && known.Submission.Span.SequenceEqual(submission.Span))
            {
                return known.Answers;
            }

            if (_answers.Count >= MaxCached)
            {
                _answers.Clear();
            }

            using JsonDocument? doc = EdxJson.TryParse(submission);
            (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[] answers =
                doc is null ? [] : [.. ProblemResponseSection.Answers(doc.RootElement)]; // none when nested deeper than EdxJson.MaxDepth
            _answers[hash] = (submission, answers);
            return answers;
        }
    }
}
