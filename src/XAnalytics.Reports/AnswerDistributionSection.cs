using System.Globalization;
using System.IO.Hashing;
using System.Net;
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
/// times are ordered by learner and by first before last, where edX compares their JSON text.</para>
/// </remarks>
public sealed partial class AnswerDistributionSection : IPartialAggregate<AnswerDistributionPartial>, IReportSection
{
    /// <summary>The name <c>--only</c> selects the section by.</summary>
    public const string SectionName = "answer_distribution";

    private static readonly FieldPath s_username = FieldPath.Parse("username");
    private static readonly FieldPath s_displayName = FieldPath.Parse("context.module.display_name");

    private static readonly HashSet<string> s_validResponseTypes = new(
        ["choiceresponse", "optionresponse", "multiplechoiceresponse", "numericalresponse", "stringresponse", "formularesponse"], StringComparer.Ordinal);

    private readonly EventFacts _facts;

    internal AnswerDistributionSection(EventFacts facts)
    {
        _facts = facts;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows; null until the run has ended.</summary>
    public IReadOnlyList<AnswerDistributionRow>? Rows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["answer_distribution.csv", "answer_distribution.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public AnswerDistributionPartial CreatePartial() => new();

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
                || !_facts.Submissions.TryRead(batch, i, out ReadOnlySpan<byte> problemId, out ulong problemHash, out ReadOnlySpan<byte> compact, out ulong compactHash))
            {
                continue;
            }

            int user = target.Names.GetId(Unescaped(target, u));
            AnswerDistributionState state = Find(target, f.Course, user, problemId, problemHash);
            // A display name written with escapes (rare) is kept as written; only unescaped names are compared and copied.
            bool hasName = batch.TryGetField(i, s_displayName, out FieldValue n) && n.Kind == JsonTokenType.String;
            ReadOnlySpan<byte> name = hasName ? (n.HasEscapes ? Encoding.UTF8.GetBytes(n.GetString()!) : n.Utf8) : default;
            state.Offer(f.Ticks, compact, compactHash, hasName, name, target.Texts);
        }
    }

    /// <inheritdoc/>
    public void Merge(AnswerDistributionPartial into, AnswerDistributionPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        var ids = new int[from.Names.Count];
        for (int id = 0; id < ids.Length; id++)
        {
            ids[id] = into.Names.Add(from.Names.Name(id));
        }

        foreach (KeyValuePair<(int Course, int User, ulong Problem), AnswerDistributionState> kv in from.Problems)
        {
            for (AnswerDistributionState? s = kv.Value; s is not null; s = s.Next)
            {
                Find(into, kv.Key.Course, ids[kv.Key.User], s.ProblemId, kv.Key.Problem).Offer(s, into.Texts);
            }
        }
    }

    /// <inheritdoc/>
    public void Complete(AnswerDistributionPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        // edX's first reducer (each learner's first and last submission, as answers keyed by course and part) feeds
        // the second one's tallies as it goes: per course and part only the latest answer and, per grouping key, the
        // counts and the most recent answer are kept (PartTally), so completion holds the distinct answers, never a
        // record per learner and part. The submissions are parsed in parallel, each worker into tallies of its own,
        // merged after.
        // The shared table is not needed any more: each state lets go of its submissions once counted, so they are
        // freed as completion goes.
        result.Texts.Clear();
        var byPart = new Dictionary<(int Course, string Part), PartTally>();
        Parallel.ForEach(
            result.Problems,
            () => new CompleteWorker(),
            (kv, _, local) =>
            {
                // Problem ids and display names are the partial's shared arrays (ByteInterner): each is decoded once per worker.
                for (AnswerDistributionState? s = kv.Value; s is not null; s = s.Next)
                {
                    string problemId = Text(local.Texts, s.ProblemId);
                    string? firstName = s.FirstDisplayNameArray is { } f ? Text(local.Texts, f) : null;
                    string? lastName = s.LastDisplayNameArray is { } l ? Text(local.Texts, l) : null;
                    AddAnswers(local, kv.Key.Course, new AnswerKey(s.FirstTicks, kv.Key.User, First: true, problemId, firstName), s.FirstArray);
                    AddAnswers(local, kv.Key.Course, new AnswerKey(s.LastTicks, kv.Key.User, First: false, problemId, lastName), s.LastArray);
                    s.DropSubmissions();
                }

                return local;
            },
            local =>
            {
                lock (byPart)
                {
                    foreach (KeyValuePair<(int Course, string Part), PartTally> part in local.ByPart)
                    {
                        ref PartTally? into = ref CollectionsMarshal.GetValueRefOrAddDefault(byPart, part.Key, out _);
                        if (into is null)
                        {
                            into = part.Value;
                        }
                        else
                        {
                            into.MergeFrom(part.Value);
                        }
                    }
                }
            });

        var rows = new List<AnswerDistributionRow>();
        foreach (KeyValuePair<(int Course, string Part), PartTally> kv in byPart)
        {
            Distribute(_facts.Courses.Name(kv.Key.Course), kv.Key.Part, kv.Value, rows);
        }

        byPart.Clear();
        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            c = c != 0 ? c : string.CompareOrdinal(a.ModuleId, b.ModuleId);
            c = c != 0 ? c : string.CompareOrdinal(a.PartId, b.PartId);
            c = c != 0 ? c : string.CompareOrdinal(a.ValueId, b.ValueId);
            c = c != 0 ? c : string.CompareOrdinal(a.AnswerValue, b.AnswerValue);
            return c != 0 ? c : string.CompareOrdinal(a.Variant, b.Variant);
        });
        Rows = rows;
        // Nothing reads the partial after its rows are built: drop its tables before the next section builds its rows.
        result.Problems.Clear();
        result.Problems.TrimExcess();
    }

    /// <inheritdoc/>
    public string StateName => "report.answer-distribution";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses (by canonical id), the usernames (see <see cref="PartialNames"/>), then per learner's problem
    /// (course, username, problem id bytes, in that order): the first submission (zigzag ticks, compact copy as bytes,
    /// display name: a varint 0/1 flag, then the bytes), then a varint 1 when the last submission is that one, else 0
    /// and the last one likewise.
    /// </remarks>
    public void WritePartial(AnswerDistributionPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        List<(int Course, int User, AnswerDistributionState State)> entries =
            LearnerProblemStates.WriteNamesAndOrder(writer, _facts.Courses, state.Names, state.Problems, static s => s.ProblemId, static s => s.Next);
        writer.WriteUInt((ulong)entries.Count);
        foreach ((int course, int user, AnswerDistributionState s) in entries)
        {
            writer.WriteUInt((ulong)course);
            writer.WriteUInt((ulong)user);
            writer.WriteBytes(s.ProblemId);
            writer.WriteInt(s.FirstTicks);
            writer.WriteBytes(s.FirstEvent.Span);
            writer.WriteUInt(s.HasFirstDisplayName ? 1UL : 0UL);
            if (s.HasFirstDisplayName)
            {
                writer.WriteBytes(s.FirstDisplayName);
            }

            // A learner's only submission is both the first and the last: written once (a varint 1).
            bool same = s.LastTicks == s.FirstTicks && s.LastEvent.Span.SequenceEqual(s.FirstEvent.Span)
                && s.HasLastDisplayName == s.HasFirstDisplayName && s.LastDisplayName.SequenceEqual(s.FirstDisplayName);
            writer.WriteUInt(same ? 1UL : 0UL);
            if (same)
            {
                continue;
            }

            writer.WriteInt(s.LastTicks);
            writer.WriteBytes(s.LastEvent.Span);
            writer.WriteUInt(s.HasLastDisplayName ? 1UL : 0UL);
            if (s.HasLastDisplayName)
            {
                writer.WriteBytes(s.LastDisplayName);
            }
        }
    }

    /// <inheritdoc/>
    public AnswerDistributionPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new AnswerDistributionPartial();
        int[] courses = _facts.Courses.ReadMap(reader);
        int[] users = PartialNames.Read(reader, partial.Names);
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            int user = PartialNames.At(users, reader.ReadCount(), reader);
            ReadOnlySpan<byte> problemId = reader.ReadBytes();
            AnswerDistributionState s = Find(partial, course, user, problemId, XxHash3.HashToUInt64(problemId));
            long firstTicks = reader.ReadInt();
            ReadOnlySpan<byte> first = reader.ReadBytes();
            bool hasFirstName = reader.ReadUInt() == 1;
            ReadOnlySpan<byte> firstName = hasFirstName ? reader.ReadBytes() : default;
            if (reader.ReadUInt() == 1)
            {
                s.Offer(firstTicks, first, hasFirstName, firstName, partial.Texts);
                continue;
            }

            long lastTicks = reader.ReadInt();
            ReadOnlySpan<byte> last = reader.ReadBytes();
            bool hasLastName = reader.ReadUInt() == 1;
            ReadOnlySpan<byte> lastName = hasLastName ? reader.ReadBytes() : default;
            s.Offer(firstTicks, first, hasFirstName, firstName, lastTicks, last, hasLastName, lastName, partial.Texts);
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

        string Normalize(string s) => containsHtml ? TextFromHtml(s) : s.Trim();
    }

    /// <summary><c>unicode(value)</c> of a JSON value in Python 2 (numbers and booleans; other shapes as their JSON).</summary>
    private static string Python(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => v.GetRawText(),
    };

    private static bool Truthy(JsonElement? v) => v is { } e && e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => e.GetString()!.Length > 0,
        JsonValueKind.Number => e.GetDouble() != 0,
        JsonValueKind.Array => e.GetArrayLength() > 0,
        JsonValueKind.Object => e.EnumerateObject().Any(),
        _ => false,
    };

    /// <summary>
    /// <c>_generate_answers</c> over one submission: its answers, parsed once per worker for every learner who holds the
    /// same shared array (<see cref="ByteInterner"/>), each counted in its part's tally with this learner's
    /// <paramref name="key"/> (user, time, first or last, problem and display name).
    /// </summary>
    private static void AddAnswers(CompleteWorker worker, int course, AnswerKey key, byte[] json)
    {
        foreach ((string part, Answer template) in worker.AnswersOf(json))
        {
            (CollectionsMarshal.GetValueRefOrAddDefault(worker.ByPart, (course, part), out _) ??= new PartTally()).Add(in key, template);
        }
    }

    /// <summary>The answers of one submission by part, their learner's fields left blank (see <see cref="AddAnswers"/>).</summary>
    private static List<(string Part, Answer Template)> ParseAnswers(byte[] json)
    {
        var byPart = new List<(string Part, Answer Template)>();
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement data = doc.RootElement;
        if (!data.TryGetProperty("answers", out JsonElement answers) || answers.ValueKind != JsonValueKind.Object)
        {
            return byPart;
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
                JsonElement? valueId = answer is not { } given || !JsonElement.DeepEquals(value, given) ? value : null;
                bool hasVariant = sub.TryGetProperty("variant", out JsonElement variant);
                Add(byPart, submission.Name, Make(answer, valueId, hasVariant, hasVariant ? variant : null,
                    sub.TryGetProperty("question", out JsonElement q) ? q : null,
                    sub.TryGetProperty("response_type", out JsonElement rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null,
                    Truthy(sub.TryGetProperty("correct", out JsonElement c) ? c : null)));
            }

            return byPart;
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
            Add(byPart, answer.Name, Make(null, answer.Value, true, seed, null, null, correct));
        }

        return byPart;

        static void Add(List<(string Part, Answer Template)> byPart, string part, Answer answer) => byPart.Add((part, answer));
    }

    /// <summary>
    /// <c>AnswerDistributionPerCourseMixin.reducer</c> for one course and part, from its tally: edX sorts the part's
    /// answers by time and walks them from the most recent, so the latest answer decides the response type, whether
    /// value ids are written, the problem id and display name, and each grouping key's row takes its metadata from its
    /// own most recent answer; the rows come in the order of their groups' most recent answers, latest first.
    /// </summary>
    private static void Distribute(string course, string part, PartTally tally, List<AnswerDistributionRow> rows)
    {
        if (tally.Latest is not { } latest || latest.ResponseType is null || !s_validResponseTypes.Contains(latest.ResponseType))
        {
            return;
        }

        bool usesValueId = latest.HasValueId;
        var groups = new List<GroupTally>(tally.Groups.Values);
        groups.Sort(static (a, b) => b.RecentKey.CompareTo(a.RecentKey));
        foreach (GroupTally g in groups)
        {
            Answer answer = g.Recent;
            string valueId = usesValueId ? answer.ValueIdText : string.Empty;
            string answerValue = usesValueId ? answer.ValueWithIds : answer.ValueWithoutIds;
            rows.Add(new AnswerDistributionRow(course, tally.LatestKey.ProblemId, part, answer.Correct, g.First, g.Last, valueId, answerValue, answer.Variant,
                tally.LatestKey.DisplayName ?? string.Empty, answer.Question));
        }
    }

    /// <summary>
    /// The text of one answer: <c>get_answer_grouping_key</c> (the value id, else the answer, and the variant, a missing
    /// or empty one counting as <c>1</c>) and the values the second reducer may write.
    /// The learner's fields (user, time, problem, display name) are not in it: <see cref="AddAnswers"/> pairs it with them.
    /// </summary>
    private static Answer Make(
        JsonElement? answer, JsonElement? valueId, bool hasVariant, JsonElement? variant,
        JsonElement? question, string? responseType, bool correct)
    {
        string groupingVariant = !hasVariant ? "1" : variant is not { } v ? "None" : v.ValueKind == JsonValueKind.String && v.GetString()!.Length == 0 ? "1" : Python(v);
        string valueIdText = valueId is not null ? Stringify(valueId) : string.Empty;
        return new Answer
        {
            HasValueId = valueId is not null,
            GroupingKey = Stringify(valueId is not null ? valueId : answer) + "_" + groupingVariant,
            ValueIdText = valueIdText,
            ValueWithIds = answer is not null ? Stringify(answer, containsHtml: valueIdText.Length > 0) : string.Empty,
            ValueWithoutIds = Stringify(answer ?? valueId),
            Question = question is { } q ? Python(q) : string.Empty,
            Variant = Truthy(variant) ? Python(variant!.Value) : string.Empty,
            ResponseType = responseType,
            Correct = correct,
        };
    }

    /// <summary>The text of a shared array, decoded once per table.</summary>
    private static string Text(Dictionary<byte[], string> texts, byte[] utf8)
    {
        ref string? text = ref CollectionsMarshal.GetValueRefOrAddDefault(texts, utf8, out _);
        return text ??= Encoding.UTF8.GetString(utf8);
    }

    private static bool IsHidden(string answerId) => answerId.EndsWith("_dynamath", StringComparison.Ordinal) || answerId.EndsWith("_comment", StringComparison.Ordinal);

    /// <summary>The learner's state for the problem (<paramref name="problemHash"/>: <c>XxHash3.HashToUInt64(problemId)</c>), added when new.</summary>
    private static AnswerDistributionState Find(AnswerDistributionPartial target, int course, int user, ReadOnlySpan<byte> problemId, ulong problemHash)
    {
        // One state per key but for hash collisions, which chain on (Next): no list per key.
        ref AnswerDistributionState? head = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Problems, (course, user, problemHash), out _);
        for (AnswerDistributionState? known = head; known is not null; known = known.Next)
        {
            if (problemId.SequenceEqual(known.ProblemId))
            {
                return known;
            }
        }

        var state = new AnswerDistributionState(target.Texts.Intern(problemId, problemHash)) { Next = head };
        head = state;
        return state;
    }

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
    /// One answer of one submission, with what edX's second reducer reads of it, already as text: one per distinct
    /// submission and part (learners who gave the same answers share it); the learner's fields are an <see cref="AnswerKey"/>.
    /// </summary>
    private sealed record Answer
    {
        /// <summary>The answer has an <c>answer_value_id</c>.</summary>
        public bool HasValueId { get; init; }

        /// <summary><c>get_answer_grouping_key</c>.</summary>
        public required string GroupingKey { get; init; }

        /// <summary><c>stringify(answer.get('answer_value_id', ''))</c>.</summary>
        public required string ValueIdText { get; init; }

        /// <summary>The answer value written when the part's latest answer has a value id: <c>answer.get('answer', '')</c>, markup stripped when this answer has a value id.</summary>
        public required string ValueWithIds { get; init; }

        /// <summary>The answer value written otherwise: <c>answer.get('answer', answer.get('answer_value_id'))</c>.</summary>
        public required string ValueWithoutIds { get; init; }

        public required string Question { get; init; }

        public required string Variant { get; init; }

        public string? ResponseType { get; init; }

        public bool Correct { get; init; }
    }

    /// <summary>
    /// Where one answer stands in edX's sort of a part's answers (by time, then, where edX compares the answers' JSON
    /// text, by learner and first before last; then by problem id, so that equal keys, which edX's sort leaves in any
    /// order, still give one result), with the learner's problem and display name.
    /// </summary>
    private readonly record struct AnswerKey(long Ticks, int User, bool First, string ProblemId, string? DisplayName) : IComparable<AnswerKey>
    {
        public int CompareTo(AnswerKey other)
        {
            int c = Ticks.CompareTo(other.Ticks);
            c = c != 0 ? c : User.CompareTo(other.User);
            c = c != 0 ? c : other.First.CompareTo(First);
            return c != 0 ? c : string.CompareOrdinal(ProblemId, other.ProblemId);
        }
    }

    /// <summary>One course and part in <see cref="Complete"/>: its latest answer and its grouping keys' tallies.</summary>
    private sealed class PartTally
    {
        /// <summary>The part's most recent answer (null until one is added).</summary>
        public Answer? Latest { get; private set; }

        public AnswerKey LatestKey { get; private set; }

        /// <summary>Per <c>get_answer_grouping_key</c>, its counts and most recent answer.</summary>
        public Dictionary<string, GroupTally> Groups { get; } = new(StringComparer.Ordinal);

        public void Add(in AnswerKey key, Answer answer)
        {
            if (Latest is null || key.CompareTo(LatestKey) > 0)
            {
                Latest = answer;
                LatestKey = key;
            }

            ref GroupTally? group = ref CollectionsMarshal.GetValueRefOrAddDefault(Groups, answer.GroupingKey, out _);
            if (group is null)
            {
                group = new GroupTally(answer, key);
            }
            else
            {
                group.Offer(answer, key);
            }

            if (key.First)
            {
                group.First++;
            }
            else
            {
                group.Last++;
            }
        }

        /// <summary>Adds another worker's tally of the same course and part.</summary>
        public void MergeFrom(PartTally from)
        {
            if (from.Latest is { } latest && (Latest is null || from.LatestKey.CompareTo(LatestKey) > 0))
            {
                Latest = latest;
                LatestKey = from.LatestKey;
            }

            foreach (KeyValuePair<string, GroupTally> kv in from.Groups)
            {
                ref GroupTally? group = ref CollectionsMarshal.GetValueRefOrAddDefault(Groups, kv.Key, out _);
                if (group is null)
                {
                    group = kv.Value;
                    continue;
                }

                group.Offer(kv.Value.Recent, kv.Value.RecentKey);
                group.First += kv.Value.First;
                group.Last += kv.Value.Last;
            }
        }
    }

    /// <summary>One grouping key of a part: its first and last counts and its most recent answer (its row's metadata).</summary>
    private sealed class GroupTally(Answer recent, AnswerKey recentKey)
    {
        public Answer Recent { get; private set; } = recent;

        public AnswerKey RecentKey { get; private set; } = recentKey;

        public long First { get; set; }

        public long Last { get; set; }

        public void Offer(Answer answer, in AnswerKey key)
        {
            if (key.CompareTo(RecentKey) > 0)
            {
                Recent = answer;
                RecentKey = key;
            }
        }
    }

    /// <summary>A worker of <see cref="Complete"/>: its tallies by course and part, and the texts of the shared arrays it has decoded.</summary>
    private sealed class CompleteWorker
    {
        public Dictionary<(int Course, string Part), PartTally> ByPart { get; } = [];

        public Dictionary<byte[], string> Texts { get; } = new(ReferenceEqualityComparer.Instance);

        private const int MaxCached = 4096;

        /// <summary>The answers of each shared submission array this worker has parsed lately (see <see cref="AnswersOf"/>).</summary>
        private Dictionary<byte[], List<(string Part, Answer Template)>> Answers { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>
        /// The answers of a submission by part, parsed once per worker for the learners who share its array. Past
        /// <see cref="MaxCached"/> arrays the cache starts again, as it keeps its arrays alive: when nearly every
        /// submission is distinct (free text answers) it held them all until the end; answers many learners share are
        /// parsed again once per restart (their tallies hold the answers kept).
        /// </summary>
        public List<(string Part, Answer Template)> AnswersOf(byte[] submission)
        {
            if (Answers.TryGetValue(submission, out List<(string Part, Answer Template)>? known))
            {
                return known;
            }

            if (Answers.Count >= MaxCached)
            {
                Answers.Clear();
            }

            List<(string Part, Answer Template)> answers = ParseAnswers(submission);
            Answers[submission] = answers;
            return answers;
        }
    }
}
