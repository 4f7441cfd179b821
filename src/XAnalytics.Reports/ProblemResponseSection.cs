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

    private static readonly FieldPath s_username = FieldPath.Parse("username");

    private readonly EventFacts _facts;

    internal ProblemResponseSection(EventFacts facts)
    {
        _facts = facts;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows; null until the run has ended.</summary>
    public IReadOnlyList<ProblemResponseRow>? Rows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["problem_response.csv", "problem_response.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public ProblemResponsePartial CreatePartial() => new();

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
                || !_facts.Submissions.TryRead(batch, i, out ReadOnlySpan<byte> problemId, out ulong problemHash, out ReadOnlySpan<byte> compact, out ulong compactHash))
            {
                continue;
            }

            ReadOnlySpan<byte> name = Unescaped(target, u).Trim(" \t\r\n\v\f"u8);
            if (name.IsEmpty)
            {
                continue;
            }

            int user = target.Names.GetId(name);
            ProblemResponseState state = Find(target, f.Course, user, problemId, problemHash);
            state.Add(1, f.Ticks, f.Ticks, compact, compactHash, target.Texts);
        }
    }

    /// <inheritdoc/>
    public void Merge(ProblemResponsePartial into, ProblemResponsePartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        var ids = new int[from.Names.Count];
        for (int id = 0; id < ids.Length; id++)
        {
            ids[id] = into.Names.Add(from.Names.Name(id));
        }

        foreach (KeyValuePair<(int Course, int User, ulong Problem), ProblemResponseState> kv in from.Problems)
        {
            for (ProblemResponseState? state = kv.Value; state is not null; state = state.Next)
            {
                Find(into, kv.Key.Course, ids[kv.Key.User], state.ProblemId, kv.Key.Problem).Add(state, into.Texts);
            }
        }
    }

    /// <inheritdoc/>
    public void Complete(ProblemResponsePartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        // The latest submissions are parsed in parallel, each worker into a list of its own. Learners who gave the same
        // answers share one array (ByteInterner), so each worker parses an array, and decodes a problem id, once.
        // The shared table is not needed any more: each state lets go of its submission once its rows are made, so the
        // submissions are freed as the rows grow rather than both being held at the end.
        result.Texts.Clear();
        var rows = new List<ProblemResponseRow>();
        Parallel.ForEach(
            result.Problems,
            () => new CompleteWorker(),
            (kv, loop, local) =>
            {
                string course = _facts.Courses.Name(kv.Key.Course);
                string username = result.Names.Name(kv.Key.User);
                for (ProblemResponseState? state = kv.Value; state is not null; state = state.Next)
                {
                    ref string? problem = ref CollectionsMarshal.GetValueRefOrAddDefault(local.Texts, state.ProblemId, out _);
                    problem ??= Encoding.UTF8.GetString(state.ProblemId);
                    var first = new DateTime(state.FirstTicks, DateTimeKind.Utc);
                    var last = new DateTime(state.LastTicks, DateTimeKind.Utc);
                    (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[] answers = local.AnswersOf(state.LatestArray);

                    state.DropSubmission();

                    foreach ((string answerId, string question, IReadOnlyList<string> answer, bool? correct) in answers)
                    {
                        local.Rows.Add(new ProblemResponseRow(course, problem, username, answerId, question, answer, correct, state.Attempts, first, last));
                    }
                }

                return local;
            },
            local =>
            {
                lock (rows)
                {
                    rows.AddRange(local.Rows);
                }
            });

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            c = c != 0 ? c : string.CompareOrdinal(a.ProblemId, b.ProblemId);
            c = c != 0 ? c : string.CompareOrdinal(a.Username, b.Username);
            return c != 0 ? c : string.CompareOrdinal(a.AnswerId, b.AnswerId);
        });
        Rows = rows;
        // Nothing reads the partial after its rows are built: drop its tables before the next section builds its rows.
        result.Problems.Clear();
        result.Problems.TrimExcess();
    }

    /// <inheritdoc/>
    public string StateName => "report.problem-response";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses (by canonical id), the usernames (see <see cref="PartialNames"/>), then per learner's problem
    /// (course, username, problem id bytes, in that order): attempts, first and last submission times (zigzag ticks)
    /// and the last submission's compact copy (bytes).
    /// </remarks>
    public void WritePartial(ProblemResponsePartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        List<(int Course, int User, ProblemResponseState State)> entries =
            LearnerProblemStates.WriteNamesAndOrder(writer, _facts.Courses, state.Names, state.Problems, static s => s.ProblemId, static s => s.Next);
        writer.WriteUInt((ulong)entries.Count);
        foreach ((int course, int user, ProblemResponseState s) in entries)
        {
            writer.WriteUInt((ulong)course);
            writer.WriteUInt((ulong)user);
            writer.WriteBytes(s.ProblemId);
            writer.WriteUInt((ulong)s.Attempts);
            writer.WriteInt(s.FirstTicks);
            writer.WriteInt(s.LastTicks);
            writer.WriteBytes(s.LatestEvent.Span);
        }
    }

    /// <inheritdoc/>
    public ProblemResponsePartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new ProblemResponsePartial();
        int[] courses = _facts.Courses.ReadMap(reader);
        int[] users = PartialNames.Read(reader, partial.Names);
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            int user = PartialNames.At(users, reader.ReadCount(), reader);
            ReadOnlySpan<byte> problemId = reader.ReadBytes();
            ProblemResponseState s = Find(partial, course, user, problemId, XxHash3.HashToUInt64(problemId));
            long attempts = (long)reader.ReadUInt();
            long first = reader.ReadInt(), last = reader.ReadInt();
            ReadOnlySpan<byte> latest = reader.ReadBytes();
            s.Add(attempts, first, last, latest, XxHash3.HashToUInt64(latest), partial.Texts);
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        // correct stays edX's text (True, False or None); the attempt times stay edX's ISO text.
        using var table = new ReportTable(directory, "problem_response", format, ReportTable.Text("course_id"), ReportTable.Text("problem_id"), ReportTable.Text("username"),
            ReportTable.Text("question"), ReportTable.Text("answer"), ReportTable.Text("correct"), ReportTable.Count("total_attempts"),
            ReportTable.Time("first_attempt_date"), ReportTable.Time("last_attempt_date"));
        foreach (ProblemResponseRow r in Rows ?? [])
        {
            table.Add(r.CourseId).Add(r.ProblemId).Add(r.Username).Add(r.Question).Add(string.Join('|', r.Answer)).Add(Correct(r.Correct)).Add(r.TotalAttempts)
                .Add(Time(r.FirstAttemptDate)).Add(Time(r.LastAttemptDate)).EndRow();
        }

        table.Complete();
        written.Add(table.FileName);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        // The hardest problems: the most learners whose latest answer is wrong.
        var byProblem = new Dictionary<(string Course, string Problem), (long Learners, long Wrong)>();
        foreach (ProblemResponseRow r in Rows ?? [])
        {
            ref (long Learners, long Wrong) c = ref CollectionsMarshal.GetValueRefOrAddDefault(byProblem, (r.CourseId, r.ProblemId), out _);
            c.Learners++;
            c.Wrong += r.Correct == false ? 1 : 0;
        }

        var hardest = byProblem.OrderByDescending(kv => kv.Value.Learners == 0 ? 0 : (double)kv.Value.Wrong / kv.Value.Learners)
            .ThenByDescending(kv => kv.Value.Learners).ThenBy(kv => kv.Key.Course, StringComparer.Ordinal).ThenBy(kv => kv.Key.Problem, StringComparer.Ordinal).ToList();
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

    private static string Correct(bool? correct) => correct switch
    {
        true => "True",
        false => "False",
        null => "None",
    };

    private static string Time(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

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

    /// <summary>The object's keys are ASCII without tab or newline.</summary>
    private static bool ValidIds(ReadOnlySpan<byte> json, out int count)
    {
        count = 0;
        var reader = new Utf8JsonReader(json);
        Span<byte> buffer = stackalloc byte[256];
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

                    key = buffer[..reader.CopyString(buffer)];
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

        return true;
    }

    /// <summary>The learner's state for the problem (<paramref name="problemHash"/>: <c>XxHash3.HashToUInt64(problemId)</c>), added when new.</summary>
    private static ProblemResponseState Find(ProblemResponsePartial target, int course, int user, ReadOnlySpan<byte> problemId, ulong problemHash)
    {
        // One state per key but for hash collisions, which chain on (Next): no list per key.
        ref ProblemResponseState? head = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Problems, (course, user, problemHash), out _);
        for (ProblemResponseState? known = head; known is not null; known = known.Next)
        {
            if (problemId.SequenceEqual(known.ProblemId))
            {
                return known;
            }
        }

        var state = new ProblemResponseState(target.Texts.Intern(problemId, problemHash)) { Next = head };
        head = state;
        return state;
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

    /// <summary>A worker of <see cref="Complete"/>: its rows, and the texts and answers of the shared arrays it has decoded.</summary>
    private sealed class CompleteWorker
    {
        public List<ProblemResponseRow> Rows { get; } = [];

        public Dictionary<byte[], string> Texts { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>The answers of each shared submission array this worker has parsed lately (see <see cref="AnswersOf"/>).</summary>
        private Dictionary<byte[], (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[]> Answers { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>
        /// The answers of a latest submission, parsed once per worker for the learners who share its array. Past
        /// <see cref="MaxCached"/> arrays the cache starts again, as it keeps its arrays alive: when nearly every
        /// submission is distinct (free text answers) it held them all until the end; answers many learners share are
        /// parsed again once per restart.
        /// </summary>
        public (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[] AnswersOf(byte[] submission)
        {
            if (Answers.TryGetValue(submission, out (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[]? known))
            {
                return known;
            }

            if (Answers.Count >= MaxCached)
            {
                Answers.Clear();
            }

            using JsonDocument doc = JsonDocument.Parse(submission);
            (string AnswerId, string Question, IReadOnlyList<string> Answer, bool? Correct)[] answers = [.. ProblemResponseSection.Answers(doc.RootElement)];
            Answers[submission] = answers;
            return answers;
        }

        private const int MaxCached = 4096;
    }
}
