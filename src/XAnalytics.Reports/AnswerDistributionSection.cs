using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>answer_distribution.csv</c>: edX's answer distribution (<c>edx/analytics/tasks/insights/answer_dist.py</c>:
/// <c>get_problem_check_event</c>, <c>ProblemCheckEventMixin.reducer</c> and <c>_generate_answers</c>, then
/// <c>AnswerDistributionPerCourseMixin.reducer</c>): per course and problem part, how many learners gave each answer value
/// in their first and in their last submission.
/// </summary>
/// <remarks>
/// <para>Submissions are selected as for <see cref="ProblemResponseSection"/> (server <c>problem_check</c>, valid
/// <c>context.course_id</c>, <c>problem_id</c>, non-empty <c>answers</c> with ASCII ids), but the username is not
/// stripped or required non-blank (edX's answer distribution only needs one). Per learner and problem only the first
/// and the last submission count (one submission counts as both).</para>
/// <para>Per course and part, the most recent answer (by time) decides: a part whose response type is none of
/// <c>choiceresponse, optionresponse, multiplechoiceresponse, numericalresponse, stringresponse, formularesponse</c>
/// (edX's default <c>valid_response_types</c>; older events without <c>submission</c> have none) has no rows. Values are
/// grouped by their value id (else answer) and variant (an empty variant counting as <c>1</c>); each group takes its
/// metadata from its most recent answer. Lists are written <c>[a|b]</c>; choice texts lose their markup.</para>
/// <para>Differences: edX strips markup with html5lib; here tags and comments are removed and entities decoded, then
/// white space collapsed, which gives the same text for the markup of choice labels but not for every malformed
/// document. edX can add answer metadata from a file (<c>--answer-metadata</c>); here it cannot. Answers with equal
/// times are ordered by learner (by the XxHash3 of the username: an order fixed by the names, not by which thread met
/// a learner first) and by first before last, where edX compares their JSON text.</para>
/// </remarks>
public sealed partial class AnswerDistributionSection : IPartialAggregate<AnswerDistributionPartial>, IReportSection
{
    /// <summary>The name <c>--only</c> selects the section by.</summary>
    public const string SectionName = "answer_distribution";

    private static readonly FieldPath s_username = FieldPath.Parse("username");
    private static readonly FieldPath s_displayName = FieldPath.Parse("context.module.display_name");

    /// <summary>
    /// The most of one learner bucket completion reads at once (<see cref="LearnerBuckets.PartBytes"/> for the other
    /// sections): a record here holds a learner problem's first and last submissions whole, so the buckets are the
    /// largest of any section (up to about 33 MB over 8M generated events, read in 2 parts of up to 18.5 MB at 16 MiB),
    /// and this section's completion was the peak of the whole report there. In parts of at most 4 MiB (8 parts at
    /// 8M; archives up to about 1M events still read each bucket whole) answer_distribution alone peaked at 140-141 MiB
    /// against 151-153, for the same CPU within noise (14.3 s against 14.1-14.5 s; 2 runs each, alternating).
    /// </summary>
    internal const long DefaultPartBytes = 4L << 20;

    /// <summary>What completion allocates before it collects the young generations (see <see cref="Complete"/>).</summary>
    private const long CollectAfterBytes = 8L << 20;

    private static readonly HashSet<string> s_validResponseTypes = new(
        ["choiceresponse", "optionresponse", "multiplechoiceresponse", "numericalresponse", "stringresponse", "formularesponse"], StringComparer.Ordinal);

    private readonly EventFacts _facts;
    private readonly BucketSpill<byte> _spill;
    private readonly long _partBytes;

    internal AnswerDistributionSection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _spill = new BucketSpill<byte>(options.ScratchDirectory, "answer-distribution");
        int? held = options.ProblemTablesHeld;
        TableCapacity = held ?? ProblemResponseSection.DefaultTableCapacity;
        ArenaLimit = held is int h ? h * 64 : ProblemResponseSection.DefaultArenaLimit;
        BlockBytes = held is int k ? k * 64 : ProblemResponseSection.DefaultBlockBytes;
        _partBytes = options.CompletionPartBytes ?? DefaultPartBytes;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows; null until the run has ended.</summary>
    public IReadOnlyList<AnswerDistributionRow>? Rows { get; private set; }

    /// <summary>Learner problems per worker table (for tests).</summary>
    internal int TableCapacity { get; }

    /// <summary>Bytes of texts per worker table (for tests).</summary>
    internal int ArenaLimit { get; }

    /// <summary>Bytes per held block (for tests).</summary>
    internal int BlockBytes { get; }

    /// <summary>The section's scratch files (for tests).</summary>
    internal BucketSpill<byte> Spill => _spill;

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["answer_distribution.csv", "answer_distribution.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public AnswerDistributionPartial CreatePartial() => new(_spill, TableCapacity, ArenaLimit, BlockBytes);

    /// <inheritdoc/>
    public void Accumulate(AnswerDistributionPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            // The event data (answers checked, problem id, compact copy) is read once for both problem tables.
            if (!ServerProblemCheck.Is(in f)
                || !batch.TryGetField(i, s_username, out FieldValue u) || u.Kind != JsonTokenType.String
                || !_facts.Submissions.TryRead(batch, i, out ReadOnlySpan<byte> problemId, out ulong problemHash, out ReadOnlySpan<byte> compact))
            {
                continue;
            }

            ReadOnlySpan<byte> user = Unescaped(target, u);
            // A display name written with escapes (rare) is kept as written; only unescaped names are compared and copied.
            bool hasName = batch.TryGetField(i, s_displayName, out FieldValue n) && n.Kind == JsonTokenType.String;
            ReadOnlySpan<byte> name = hasName ? (n.HasEscapes ? Encoding.UTF8.GetBytes(n.GetString()!) : n.Utf8) : default;
            target.Offer(f.Course, user, XxHash3.HashToUInt64(user), problemId, problemHash, f.Ticks, compact, hasName, name, f.Ticks, compact, hasName, name);
        }
    }

    /// <inheritdoc/>
    public void Merge(AnswerDistributionPartial into, AnswerDistributionPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        // The learner problems of both are folded at completion: the other's table is handed to its buckets, and its
        // blocks taken whole (its spilled ones by owner).
        from.Flush();
        into.Records.MergeWholeFrom(from.Records);
    }

    /// <inheritdoc/>
    public void Complete(AnswerDistributionPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            // edX's first reducer (each learner's first and last submission, as answers keyed by course and part) feeds
            // the second one's tallies as it goes: per course and part only the latest answer and, per grouping key, the
            // counts and the most recent answer are kept (PartTally), so completion holds the distinct answers, never a
            // record per learner and part. The learner problems are folded bucket by bucket (a learner problem's
            // records are all in one), one bucket at a time; the young garbage of parsing a bucket's answers is collected after it.
            result.Flush();
            var worker = new CompleteWorker();
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            int parts = result.Records.PartsFor(_partBytes);
            CompletionParts = parts;
            for (int at = 0; at < LearnerBuckets.Count * parts; at++)
            {
                // A large bucket in parts (a learner problem's records all in one): what is held at a time stays bounded.
                worker.Fold(result.Records, at / parts, at % parts, parts);
                if (GC.GetTotalAllocatedBytes(precise: false) - allocated >= CollectAfterBytes)
                {
                    GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                    allocated = GC.GetTotalAllocatedBytes(precise: false);
                }
            }

            DistinctAnswers = worker.AnswerCount;
            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now
            string[] courses = new string[worker.Tallies.PartCount == 0 ? 0 : MaxCourse(worker.Tallies) + 1];
            for (int p = 0; p < worker.Tallies.PartCount; p++)
            {
                int course = worker.Tallies.Part(p).Course;
                courses[course] ??= _facts.Courses.Name(course);
            }

            AnswerDistributionItem[] rows = Distribute(worker);
            AnswerDistributionRowList.Sort(rows, courses, worker.Texts);
            Rows = new AnswerDistributionRowList(rows, courses, worker.Texts);
        }
        finally
        {
            _spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill() => _spill.Close();

    /// <summary>The parts each learner bucket was read in at the end of the run (<see cref="LearnerBuckets.Parts"/>), for tests; 0 before.</summary>
    internal int CompletionParts { get; private set; }

    /// <summary>The distinct answers completion kept (each once, however many learners gave it), for tests; 0 before.</summary>
    internal int DistinctAnswers { get; private set; }

    /// <inheritdoc/>
    public string StateName => "report.answer-distribution";

    /// <inheritdoc/>
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses (by canonical id), then per learner's problem (course, username bytes, problem id bytes, in that
    /// order): the first submission (zigzag ticks, compact copy as bytes, display name: a varint 0/1 flag, then the
    /// bytes), then a varint 1 when the last submission is that one, else 0 and the last one likewise.
    /// </remarks>
    public void WritePartial(AnswerDistributionPartial state, PartialWriter writer)
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
            AnswerDistributionRecords.ReadSorted(state.Records, b, 0, 1, bucket, starts); // the whole bucket
            ReadOnlySpan<int> sorted = starts.Span;
            for (int i = 0; i < sorted.Length;)
            {
                i = NextLearnerProblem(bucket.Items, sorted, i, out int firstAt, out int lastAt);
                ReadOnlySpan<byte> f = bucket.Items.AsSpan(firstAt), l = bucket.Items.AsSpan(lastAt);
                int course = AnswerDistributionRecords.Course(f);
                usedCourses.Add(course);
                int length = AnswerDistributionRecords.Write(
                    ref one, course, AnswerDistributionRecords.User(f), AnswerDistributionRecords.Problem(f),
                    AnswerDistributionRecords.FirstTicks(f), AnswerDistributionRecords.First(f, out _), AnswerDistributionRecords.HasFirst(f), AnswerDistributionRecords.FirstName(f),
                    AnswerDistributionRecords.LastTicks(l), AnswerDistributionRecords.Last(l, out _), AnswerDistributionRecords.HasLast(l), AnswerDistributionRecords.LastName(l));
                all.AddRange(one.AsSpan(0, length));
            }
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        var order = new RecordBuffer<int>();
        AnswerDistributionRecords.Index(all.Span, order);
        order.Span.Sort(new WrittenOrder(all.Items, courses));
        writer.WriteUInt((ulong)order.Count);
        foreach (int at in order.Span)
        {
            ReadOnlySpan<byte> r = all.Items.AsSpan(at);
            writer.WriteUInt((ulong)courses[AnswerDistributionRecords.Course(r)]);
            writer.WriteBytes(AnswerDistributionRecords.User(r));
            writer.WriteBytes(AnswerDistributionRecords.Problem(r));
            writer.WriteInt(AnswerDistributionRecords.FirstTicks(r));
            writer.WriteBytes(AnswerDistributionRecords.First(r, out _));
            writer.WriteUInt(AnswerDistributionRecords.HasFirst(r) ? 1UL : 0UL);
            if (AnswerDistributionRecords.HasFirst(r))
            {
                writer.WriteBytes(AnswerDistributionRecords.FirstName(r));
            }

            // A learner's only submission is both the first and the last: written once (a varint 1).
            bool same = (AnswerDistributionRecords.Flags(r) & AnswerDistributionRecords.LastIsFirst) != 0;
            writer.WriteUInt(same ? 1UL : 0UL);
            if (same)
            {
                continue;
            }

            writer.WriteInt(AnswerDistributionRecords.LastTicks(r));
            writer.WriteBytes(AnswerDistributionRecords.Last(r, out _));
            writer.WriteUInt(AnswerDistributionRecords.HasLast(r) ? 1UL : 0UL);
            if (AnswerDistributionRecords.HasLast(r))
            {
                writer.WriteBytes(AnswerDistributionRecords.LastName(r));
            }
        }
    }

    /// <inheritdoc/>
    public AnswerDistributionPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        AnswerDistributionPartial partial = CreatePartial();
        int[] courses = _facts.Courses.ReadMap(reader);
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            if (course < 0)
            {
                throw reader.Corrupt("an answer without a course");
            }

            ReadOnlySpan<byte> user = reader.ReadBytes();
            ulong userHash = XxHash3.HashToUInt64(user);
            ReadOnlySpan<byte> problemId = reader.ReadBytes();
            ulong problemHash = XxHash3.HashToUInt64(problemId);
            long firstTicks = reader.ReadInt();
            ReadOnlySpan<byte> first = reader.ReadBytes();
            bool hasFirstName = reader.ReadUInt() == 1;
            ReadOnlySpan<byte> firstName = hasFirstName ? reader.ReadBytes() : default;
            if (reader.ReadUInt() == 1)
            {
                partial.Offer(course, user, userHash, problemId, problemHash, firstTicks, first, hasFirstName, firstName, firstTicks, first, hasFirstName, firstName);
                continue;
            }

            long lastTicks = reader.ReadInt();
            ReadOnlySpan<byte> last = reader.ReadBytes();
            bool hasLastName = reader.ReadUInt() == 1;
            ReadOnlySpan<byte> lastName = hasLastName ? reader.ReadBytes() : default;
            partial.Offer(course, user, userHash, problemId, problemHash, firstTicks, first, hasFirstName, firstName, lastTicks, last, hasLastName, lastName);
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, "answer_distribution", format, ReportTable.Text("course_id"), ReportTable.Text("module_id"), ReportTable.Text("part_id"),
            ReportTable.Count("correct"), ReportTable.Count("first_response_count"), ReportTable.Count("last_response_count"), ReportTable.Text("value_id"),
            ReportTable.Text("answer_value"), ReportTable.Text("variant"), ReportTable.Text("problem_display_name"), ReportTable.Text("question"));
        foreach (AnswerDistributionRow r in Rows ?? [])
        {
            table.Add(r.CourseId).Add(r.ModuleId).Add(r.PartId).Add(r.Correct ? 1 : 0).Add(r.FirstResponseCount).Add(r.LastResponseCount)
                .Add(r.ValueId).Add(r.AnswerValue).Add(r.Variant).Add(r.ProblemDisplayName).Add(r.Question).EndRow();
        }

        table.Complete();
        written.Add(table.FileName);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<AnswerDistributionRow> rows = Rows ?? [];
        html.Append("<h2>Answer distribution (edX)</h2>\n<p class=\"note\">Per problem part and answer value, the learners who gave it first and last "
            + "(edX's answer distribution, answer_dist.py). <a href=\"answer_distribution.csv\">answer_distribution.csv</a></p>\n");
        ReportWriter.Table(html, ["course", "problem", "part", "answer", "correct", "first", "last"], rows.Count, i =>
        {
            AnswerDistributionRow r = rows[i];
            return [r.CourseId, r.ProblemDisplayName.Length > 0 ? r.ProblemDisplayName : r.ModuleId, r.PartId, r.AnswerValue, r.Correct ? "yes" : "no",
                ReportWriter.N(r.FirstResponseCount), ReportWriter.N(r.LastResponseCount)];
        }, numeric: [5, 6]);
    }

    /// <summary><c>get_text_from_html</c>: the text of the markup, its white space runs one space (see the remarks for how this differs from html5lib).</summary>
    internal static string TextFromHtml(string markup)
    {
        string text = WebUtility.HtmlDecode(Tag().Replace(Comment().Replace(markup, " "), " "));
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary><c>stringify</c>: a string stripped (or its markup's text), a list <c>[a|b]</c>, anything else as Python prints it.</summary>
    internal static string Stringify(JsonElement? value, bool containsHtml = false)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return "None";
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => Normalize(v.GetString()!),
            JsonValueKind.Array => "[" + string.Join('|', v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? Normalize(e.GetString()!) : Python(e))) + "]",
            _ => Python(v),
        };

        string Normalize(string s) => containsHtml ? TextFromHtml(s) : EdxValues.Strip(s);
    }

    /// <summary>
    /// <c>unicode(value)</c> of a JSON value in Python 2: an integer as written (<c>-0</c> is 0), a float as Python 2
    /// prints it (<see cref="PythonFloats.Str"/>: <c>0.3</c>, <c>100.0</c>, <c>inf</c>), booleans and null by their
    /// Python names; lists and objects as their JSON (Python writes <c>[u'a']</c>: not matched).
    /// </summary>
    private static string Python(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.Number => PythonNumber(v.GetRawText()),
        _ => v.GetRawText(),
    };

    /// <summary>
    /// Python's <c>==</c> of two JSON values, as <c>if answer_value != submission.get('answer')</c> compares them: a
    /// bool is the int 1 or 0, an int equals the float of its value (<c>1 == 1.0 == true</c>, <c>0.1 ==
    /// 0.10000000000000001</c>), strings by their text, lists item by item, objects by their keys' values.
    /// </summary>
    internal static bool PythonEquals(JsonElement a, JsonElement b)
    {
        if (IsNumeric(a) && IsNumeric(b))
        {
            string x = NumberText(a), y = NumberText(b);
            if (!PythonFloats.IsFloat(x) && !PythonFloats.IsFloat(y))
            {
                return (x == "-0" ? "0" : x) == (y == "-0" ? "0" : y); // ints: exactly
            }

            return double.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture) == double.Parse(y, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    return false;
                }

                using (JsonElement.ArrayEnumerator x = a.EnumerateArray(), y = b.EnumerateArray())
                {
                    while (x.MoveNext() && y.MoveNext())
                    {
                        if (!PythonEquals(x.Current, y.Current))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case JsonValueKind.Object:
                int count = 0;
                foreach (JsonProperty p in a.EnumerateObject())
                {
                    count++;
                    if (!b.TryGetProperty(p.Name, out JsonElement other) || !PythonEquals(p.Value, other))
                    {
                        return false;
                    }
                }

                foreach (JsonProperty p in b.EnumerateObject())
                {
                    count--;
                }

                return count == 0;
            default:
                return false;
        }

        static bool IsNumeric(JsonElement e) => e.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

        static string NumberText(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.True => "1",
            JsonValueKind.False => "0",
            _ => e.GetRawText(),
        };
    }

    private static string PythonNumber(string json)
    {
        if (!PythonFloats.IsFloat(json))
        {
            return json == "-0" ? "0" : json; // an int (or long): exact
        }

        return PythonFloats.Str(double.Parse(json, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private static bool Truthy(JsonElement? v) => v is { } e && e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => e.GetString()!.Length > 0,
        JsonValueKind.Number => double.Parse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture) != 0, // 1e400 too
        JsonValueKind.Array => e.GetArrayLength() > 0,
        JsonValueKind.Object => e.EnumerateObject().Any(),
        _ => false,
    };

    /// <summary>
    /// <c>_generate_answers</c> over one submission: its answers, parsed once per bucket for the learners who gave the
    /// same answers (<see cref="CompleteWorker.AnswersOf"/>), each counted in its part's tally with this learner's
    /// <paramref name="key"/> (user, time, first or last, problem and display name).
    /// </summary>
    private static void AddAnswers(CompleteWorker worker, int course, in AnswerKey key, ReadOnlyMemory<byte> json)
    {
        foreach ((int part, int answer) in worker.AnswersOf(json))
        {
            worker.Tallies.Add(course, part, in key, answer, worker.Answer(answer).GroupingKey);
        }
    }

    /// <summary>The answers of one submission by part, their learner's fields left blank (see <see cref="AddAnswers"/>).</summary>
    private static void ParseAnswers(ReadOnlyMemory<byte> json, CompleteWorker worker)
    {
        using JsonDocument? doc = EdxJson.TryParse(json);
        if (doc is null)
        {
            return; // nested deeper than EdxJson.MaxDepth: no answers read
        }

        JsonElement data = doc.RootElement;
        if (!data.TryGetProperty("answers", out JsonElement answers) || answers.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        JsonElement? correctMap = data.TryGetProperty("correct_map", out JsonElement cm) && cm.ValueKind == JsonValueKind.Object ? cm : null;
        if (data.TryGetProperty("submission", out JsonElement submissions) && submissions.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty submission in submissions.EnumerateObject())
            {
                if (IsHidden(submission.Name) || submission.Value.ValueKind != JsonValueKind.Object || !answers.TryGetProperty(submission.Name, out JsonElement value))
                {
                    continue;
                }

                JsonElement sub = submission.Value;
                JsonElement? answer = sub.TryGetProperty("answer", out JsonElement a) ? a : null;
                // "If its value is different, we assume it's a moniker."
                JsonElement? valueId = answer is not { } given || !PythonEquals(value, given) ? value : null;
                bool hasVariant = sub.TryGetProperty("variant", out JsonElement variant);
                worker.AddParsed(submission.Name, Make(worker.Texts, answer, valueId, hasVariant, hasVariant ? variant : null,
                    sub.TryGetProperty("question", out JsonElement q) ? q : null,
                    sub.TryGetProperty("response_type", out JsonElement rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null,
                    Truthy(sub.TryGetProperty("correct", out JsonElement c) ? c : null)));
            }

            return;
        }

        JsonElement? seed = data.TryGetProperty("state", out JsonElement state) && state.ValueKind == JsonValueKind.Object && state.TryGetProperty("seed", out JsonElement sd)
            ? sd : null;
        foreach (JsonProperty answer in answers.EnumerateObject())
        {
            if (IsHidden(answer.Name) || correctMap is not { } map || !map.TryGetProperty(answer.Name, out JsonElement entry))
            {
                continue;
            }

            bool correct = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("correctness", out JsonElement c) && c.ValueKind == JsonValueKind.String
                && c.GetString() == "correct";
            worker.AddParsed(answer.Name, Make(worker.Texts, null, answer.Value, true, seed, null, null, correct));
        }
    }

    /// <summary>
    /// <c>AnswerDistributionPerCourseMixin.reducer</c> for every course and part, from its tally: edX sorts the part's
    /// answers by time and walks them from the most recent, so the latest answer decides the response type, whether
    /// value ids are written, the problem id and display name, and each grouping key's row takes its metadata from its
    /// own most recent answer; the rows come in the order of the parts first met, and in a part in the order of their
    /// groups' most recent answers, latest first.
    /// </summary>
    private static AnswerDistributionItem[] Distribute(CompleteWorker worker)
    {
        AnswerTallies tallies = worker.Tallies;
        InternedBytes texts = worker.Texts;
        (int[] starts, int[] order) = tallies.GroupsByPart();
        var rows = new RecordBuffer<AnswerDistributionItem>();
        int empty = texts.Intern(string.Empty);
        for (int p = 0; p < tallies.PartCount; p++)
        {
            ref readonly AnswerTallies.Tally tally = ref tallies.Part(p);
            if (tally.Answer < 0 || !worker.IsValidResponseType(worker.Answer(tally.Answer).ResponseType))
            {
                continue;
            }

            bool usesValueId = worker.Answer(tally.Answer).HasValueId;
            Span<int> groups = order.AsSpan(starts[p], starts[p + 1] - starts[p]);
            groups.Sort(new LatestFirst(tallies, texts));
            foreach (int g in groups)
            {
                ref readonly AnswerTallies.Group group = ref tallies.GroupAt(g);
                AnswerTexts answer = worker.Answer(group.Answer);
                rows.Add(new AnswerDistributionItem(
                    tally.Course, tally.Key.ProblemId, tally.PartId, answer.Correct, group.First, group.Last, usesValueId ? answer.ValueIdText : empty,
                    usesValueId ? answer.ValueWithIds : answer.ValueWithoutIds, answer.Variant, tally.Key.DisplayName < 0 ? empty : tally.Key.DisplayName, answer.Question));
            }
        }

        return rows.Span.ToArray();
    }

    private static int MaxCourse(AnswerTallies tallies)
    {
        int max = 0;
        for (int p = 0; p < tallies.PartCount; p++)
        {
            max = Math.Max(max, tallies.Part(p).Course);
        }

        return max;
    }

    /// <summary>
    /// The text of one answer: <c>get_answer_grouping_key</c> (the value id, else the answer, and the variant, a missing
    /// or empty one counting as <c>1</c>) and the values the second reducer may write.
    /// The learner's fields (user, time, problem, display name) are not in it: <see cref="AddAnswers"/> pairs it with them.
    /// </summary>
    private static AnswerTexts Make(
        InternedBytes texts, JsonElement? answer, JsonElement? valueId, bool hasVariant, JsonElement? variant,
        JsonElement? question, string? responseType, bool correct)
    {
        string groupingVariant = !hasVariant ? "1" : variant is not { } v ? "None" : v.ValueKind == JsonValueKind.String && v.GetString()!.Length == 0 ? "1" : Python(v);
        string valueIdText = valueId is not null ? Stringify(valueId) : string.Empty;
        return new AnswerTexts(
            HasValueId: valueId is not null,
            Correct: correct,
            ResponseType: responseType is null ? -1 : texts.Intern(responseType),
            GroupingKey: texts.Intern(Stringify(valueId is not null ? valueId : answer) + "_" + groupingVariant),
            ValueIdText: texts.Intern(valueIdText),
            ValueWithIds: texts.Intern(answer is not null ? Stringify(answer, containsHtml: valueIdText.Length > 0) : string.Empty),
            ValueWithoutIds: texts.Intern(Stringify(answer ?? valueId)),
            Question: texts.Intern(question is { } q ? Python(q) : string.Empty),
            Variant: texts.Intern(Truthy(variant) ? Python(variant!.Value) : string.Empty));
    }

    /// <summary>
    /// Folds the records of one learner problem, from <paramref name="i"/> of <paramref name="sorted"/> (record starts
    /// in <paramref name="bytes"/>, sorted by <see cref="AnswerDistributionRecords.KeyOrder"/>): the record holding the
    /// first submission (the earliest; a tie on time keeps the lesser text) and the one holding the last (the latest;
    /// a tie keeps the greater text), as edX sorts (timestamp, json) pairs. Returns where the next learner problem starts.
    /// </summary>
    private static int NextLearnerProblem(byte[] bytes, ReadOnlySpan<int> sorted, int i, out int firstAt, out int lastAt)
    {
        var order = new AnswerDistributionRecords.KeyOrder(bytes);
        firstAt = lastAt = sorted[i];
        int j = i + 1;
        for (; j < sorted.Length && order.Compare(sorted[i], sorted[j]) == 0; j++)
        {
            ReadOnlySpan<byte> r = bytes.AsSpan(sorted[j]), f = bytes.AsSpan(firstAt), l = bytes.AsSpan(lastAt);
            long ft = AnswerDistributionRecords.FirstTicks(r), lt = AnswerDistributionRecords.LastTicks(r);
            if (ft < AnswerDistributionRecords.FirstTicks(f)
                || (ft == AnswerDistributionRecords.FirstTicks(f) && AnswerDistributionRecords.First(r, out _).SequenceCompareTo(AnswerDistributionRecords.First(f, out _)) < 0))
            {
                firstAt = sorted[j];
            }

            if (lt > AnswerDistributionRecords.LastTicks(l)
                || (lt == AnswerDistributionRecords.LastTicks(l) && AnswerDistributionRecords.Last(r, out _).SequenceCompareTo(AnswerDistributionRecords.Last(l, out _)) > 0))
            {
                lastAt = sorted[j];
            }
        }

        return j;
    }

    private static bool IsHidden(string answerId) => answerId.EndsWith("_dynamath", StringComparison.Ordinal) || answerId.EndsWith("_comment", StringComparison.Ordinal);


    private static ReadOnlySpan<byte> Unescaped(AnswerDistributionPartial target, in FieldValue v)
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

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"</?[A-Za-z!?][^>]*>")]
    private static partial Regex Tag();

    /// <summary>
    /// One answer of one submission, with what edX's second reducer reads of it, as text ids (in
    /// <see cref="CompleteWorker.Texts"/>): one per distinct answer (learners who gave the same answers share it); the
    /// learner's fields are an <see cref="AnswerKey"/>.
    /// </summary>
    /// <param name="HasValueId">The answer has an <c>answer_value_id</c>.</param>
    /// <param name="Correct">The answer was graded correct.</param>
    /// <param name="ResponseType">Its response type (-1: none).</param>
    /// <param name="GroupingKey"><c>get_answer_grouping_key</c>.</param>
    /// <param name="ValueIdText"><c>stringify(answer.get('answer_value_id', ''))</c>.</param>
    /// <param name="ValueWithIds">The answer value written when the part's latest answer has a value id: <c>answer.get('answer', '')</c>, markup stripped when this answer has a value id.</param>
    /// <param name="ValueWithoutIds">The answer value written otherwise: <c>answer.get('answer', answer.get('answer_value_id'))</c>.</param>
    /// <param name="Question">The question.</param>
    /// <param name="Variant">The variant.</param>
    private readonly record struct AnswerTexts(
        bool HasValueId, bool Correct, int ResponseType, int GroupingKey, int ValueIdText, int ValueWithIds, int ValueWithoutIds, int Question, int Variant);

    /// <summary>Orders a part's groups by their most recent answers, latest first.</summary>
    private readonly struct LatestFirst(AnswerTallies tallies, InternedBytes texts) : IComparer<int>
    {
        public int Compare(int x, int y) => tallies.GroupAt(y).Key.CompareTo(in tallies.GroupAt(x).Key, texts);
    }

    /// <summary>Orders folded records as a partial writes them: course (by written position), username, problem id bytes.</summary>
    private readonly struct WrittenOrder(byte[] bytes, int[] coursePositions) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            ReadOnlySpan<byte> a = bytes.AsSpan(x), b = bytes.AsSpan(y);
            int c = coursePositions[AnswerDistributionRecords.Course(a)].CompareTo(coursePositions[AnswerDistributionRecords.Course(b)]);
            c = c != 0 ? c : AnswerDistributionRecords.User(a).SequenceCompareTo(AnswerDistributionRecords.User(b));
            return c != 0 ? c : AnswerDistributionRecords.Problem(a).SequenceCompareTo(AnswerDistributionRecords.Problem(b));
        }
    }

    /// <summary>A worker of <see cref="Complete"/>: its tallies by course and part, its buffers, and the texts and answers it has decoded.</summary>
    private sealed class CompleteWorker
    {
        private const int MaxCached = 4096;

        private readonly RecordBuffer<byte> _bucket = new();
        private readonly RecordBuffer<int> _starts = new();
        private readonly RecordBuffer<AnswerTexts> _answerTable = new();

        /// <summary>
        /// The distinct answers' ids (+ 1, 0 for empty) by hash, at most half full: an open-addressing table over
        /// <see cref="_answerTable"/>, which holds each answer once. A <c>Dictionary&lt;AnswerTexts, int&gt;</c> kept a
        /// second copy of every answer (48 bytes an entry against 8 here): over 8M generated events, 112,781 distinct
        /// answers (each submission's question is random text there).
        /// </summary>
        private int[] _answerSlots = new int[256];
        private readonly HashSet<int> _validResponseTypes = [];

        /// <summary>The answers of the submissions of the bucket being folded (they point into its buffer), by hash: where their (part, answer) pairs are in <see cref="_parsed"/> (see <see cref="AnswersOf"/>).</summary>
        private readonly Dictionary<ulong, (ReadOnlyMemory<byte> Submission, int Start, int Count)> _answers = [];
        private readonly RecordBuffer<(int Part, int Answer)> _parsed = new();

        public CompleteWorker()
        {
            Tallies = new AnswerTallies(Texts);
            foreach (string type in s_validResponseTypes)
            {
                _validResponseTypes.Add(Texts.Intern(type));
            }
        }

        /// <summary>Every text of the tallies and rows: problem and part ids, display names, answers' texts.</summary>
        public InternedBytes Texts { get; } = new();

        public AnswerTallies Tallies { get; }

        /// <summary>The distinct answers met.</summary>
        public int AnswerCount => _answerTable.Count;

        /// <summary>Answer <paramref name="id"/>.</summary>
        public AnswerTexts Answer(int id) => _answerTable.Items[id];

        public bool IsValidResponseType(int id) => _validResponseTypes.Contains(id);

        /// <summary>Folds part <paramref name="part"/> of <paramref name="parts"/> of bucket <paramref name="b"/> of <paramref name="records"/> (let go of after its last part): each learner problem's first and last submissions counted in their parts' tallies.</summary>
        public void Fold(HeldRecords<byte> records, int b, int part, int parts)
        {
            ClearAnswers(); // it points into the bucket's buffer, which is read over now
            AnswerDistributionRecords.ReadSorted(records, b, part, parts, _bucket, _starts);
            if (part == parts - 1)
            {
                records.ReleaseBucket(b);
            }

            byte[] bytes = _bucket.Items;
            ReadOnlySpan<int> sorted = _starts.Span;
            for (int i = 0; i < sorted.Length;)
            {
                i = NextLearnerProblem(bytes, sorted, i, out int firstAt, out int lastAt);
                ReadOnlySpan<byte> f = bytes.AsSpan(firstAt), l = bytes.AsSpan(lastAt);
                int course = AnswerDistributionRecords.Course(f);
                ulong user = XxHash3.HashToUInt64(AnswerDistributionRecords.User(f));
                int problemId = Texts.Intern(AnswerDistributionRecords.Problem(f));
                int firstName = AnswerDistributionRecords.HasFirst(f) ? Texts.Intern(AnswerDistributionRecords.FirstName(f)) : -1;
                int lastName = AnswerDistributionRecords.HasLast(l) ? Texts.Intern(AnswerDistributionRecords.LastName(l)) : -1;
                ReadOnlySpan<byte> first = AnswerDistributionRecords.First(f, out int firstOffset), last = AnswerDistributionRecords.Last(l, out int lastOffset);
                AddAnswers(this, course, new AnswerKey(AnswerDistributionRecords.FirstTicks(f), user, First: true, problemId, firstName), bytes.AsMemory(firstAt + firstOffset, first.Length));
                AddAnswers(this, course, new AnswerKey(AnswerDistributionRecords.LastTicks(l), user, First: false, problemId, lastName), bytes.AsMemory(lastAt + lastOffset, last.Length));
            }
        }

        /// <summary>
        /// The answers of a submission by part (text id, answer id), parsed once for the learners of the bucket who
        /// gave the same answers. Past <see cref="MaxCached"/> submissions the cache starts again (answers many
        /// learners share are parsed again once per restart; the answer table keeps each distinct answer once).
        /// </summary>
        public ReadOnlySpan<(int Part, int Answer)> AnswersOf(ReadOnlyMemory<byte> submission)
        {
            ulong hash = XxHash3.HashToUInt64(submission.Span);
            if (_answers.TryGetValue(hash, out var known) && known.Submission.Span.SequenceEqual(submission.Span))
            {
                return _parsed.Span.Slice(known.Start, known.Count);
            }

            if (_answers.Count >= MaxCached)
            {
                ClearAnswers();
            }

            int start = _parsed.Count;
            ParseAnswers(submission, this);
            _answers[hash] = (submission, start, _parsed.Count - start);
            return _parsed.Span[start..];
        }

        /// <summary>Adds one answer of the submission being parsed (see <see cref="AnswersOf"/>).</summary>
        public void AddParsed(string part, AnswerTexts answer)
        {
            _parsed.Add((Texts.Intern(part), IdOf(in answer)));
        }

        /// <summary>The id of <paramref name="answer"/> in <see cref="_answerTable"/>, added when it is new.</summary>
        private int IdOf(in AnswerTexts answer)
        {
            int mask = _answerSlots.Length - 1;
            for (int s = answer.GetHashCode() & mask; ; s = (s + 1) & mask)
            {
                int id = _answerSlots[s] - 1;
                if (id < 0)
                {
                    id = _answerTable.Count;
                    _answerTable.Add(answer);
                    _answerSlots[s] = id + 1;
                    if (_answerTable.Count * 2 > _answerSlots.Length)
                    {
                        RehashAnswers();
                    }

                    return id;
                }

                if (_answerTable.Items[id] == answer)
                {
                    return id;
                }
            }
        }

        private void RehashAnswers()
        {
            _answerSlots = new int[_answerSlots.Length * 2];
            int mask = _answerSlots.Length - 1;
            ReadOnlySpan<AnswerTexts> answers = _answerTable.Span;
            for (int id = 0; id < answers.Length; id++)
            {
                int s = answers[id].GetHashCode() & mask;
                while (_answerSlots[s] != 0)
                {
                    s = (s + 1) & mask;
                }

                _answerSlots[s] = id + 1;
            }
        }

        private void ClearAnswers()
        {
            _answers.Clear();
            _parsed.Clear();
        }
    }
}
