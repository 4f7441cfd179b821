using System.Globalization;
using System.Text;
using System.Text.Json;

namespace XAnalytics.Reports;

/// <summary>The answers of a submission read forward from its bytes (see <see cref="ParseAnswers"/>).</summary>
public sealed partial class AnswerDistributionSection
{
    /// <summary>
    /// The answers of one submission by part, their learner's fields left blank (see <see cref="AddAnswers"/>): read
    /// forward from the bytes when the submission's shape allows (<see cref="TryReadAnswers"/>: strings, lists of them,
    /// literals and members found as the document finds them), else by <see cref="AddDocumentAnswers"/>. Either way
    /// the texts are interned in the same order. Returns whether the bytes were read forward (for tests).
    /// </summary>
    private static bool ParseAnswers(ReadOnlyMemory<byte> json, CompleteWorker worker)
    {
        ForwardBuffers b = worker.Forward;
        SubmissionJson.Index(json.Span, b.Nodes);
        b.Members.Clear();
        b.Built.Clear();
        b.Pending.Clear();
        if (!TryReadAnswers(json.Span, b))
        {
            AddDocumentAnswers(json, worker);
            return false;
        }

        InternedBytes texts = worker.Texts;
        ReadOnlySpan<byte> submission = json.Span;
        foreach (Pending p in b.Pending.Span)
        {
            ReadOnlySpan<byte> built = b.Built.Span;
            // As Make interns them: response type, grouping key, value id, the values, question, variant; then the part.
            int responseType = p.HasResponseType ? texts.Intern(built[p.ResponseType]) : -1;
            var answer = new AnswerTexts(
                p.HasValueId, p.Correct, responseType, texts.Intern(built[p.GroupingKey]), texts.Intern(built[p.ValueIdText]), texts.Intern(built[p.ValueWithIds]),
                texts.Intern(built[p.ValueWithoutIds]), texts.Intern(built[p.Question]), texts.Intern(built[p.Variant]));
            worker.AddParsed(submission[p.Name..p.NameEnd], answer);
        }

        return true;
    }

    /// <summary>
    /// <see cref="AddDocumentAnswers"/> read forward from the bytes, each answer's texts built in
    /// <see cref="ForwardBuffers.Built"/> (interned by the caller, so that nothing is kept of a submission left to the
    /// document). False for what it leaves to the document: escaped member names, numbers or objects compared as
    /// answers, text that is not UTF-8.
    /// </summary>
    private static bool TryReadAnswers(ReadOnlySpan<byte> json, ForwardBuffers b)
    {
        RecordBuffer<SubmissionJson.Member> members = b.Members;
        int top = SubmissionJson.AddMembers(b.Nodes, 0, members);
        if (top < 0 || b.Nodes.Items[0].Value.Kind != JsonTokenType.StartObject)
        {
            return false;
        }

        int topCount = members.Count - top;
        int a = SubmissionJson.Find(json, members.Span.Slice(top, topCount), "answers"u8);
        if (a < 0 || members.Items[top + a].Value.Kind != JsonTokenType.StartObject)
        {
            return true;
        }

        int c = SubmissionJson.Find(json, members.Span.Slice(top, topCount), "correct_map"u8);
        int s = SubmissionJson.Find(json, members.Span.Slice(top, topCount), "submission"u8);
        int st = SubmissionJson.Find(json, members.Span.Slice(top, topCount), "state"u8);
        (int Start, int Count) correctMap = (-1, 0);
        if (c >= 0 && members.Items[top + c].Value.Kind == JsonTokenType.StartObject)
        {
            int at = SubmissionJson.AddMembers(b.Nodes, members.Items[top + c].Value.Node, members);
            if (at < 0)
            {
                return false;
            }

            correctMap = (at, members.Count - at);
        }

        int answersAt = SubmissionJson.AddMembers(b.Nodes, members.Items[top + a].Value.Node, members);
        if (answersAt < 0)
        {
            return false;
        }

        int answersCount = members.Count - answersAt;
        if (s >= 0 && members.Items[top + s].Value.Kind == JsonTokenType.StartObject)
        {
            int subAt = SubmissionJson.AddMembers(b.Nodes, members.Items[top + s].Value.Node, members);
            if (subAt < 0)
            {
                return false;
            }

            int subEnd = members.Count;
            for (int i = subAt; i < subEnd; i++)
            {
                SubmissionJson.Member submission = members.Items[i];
                ReadOnlySpan<byte> name = json[submission.Name..submission.NameEnd];
                int v;
                if (IsHidden(name) || submission.Value.Kind != JsonTokenType.StartObject
                    || (v = SubmissionJson.Find(json, members.Span.Slice(answersAt, answersCount), name)) < 0)
                {
                    continue;
                }

                SubmissionJson.Value value = members.Items[answersAt + v].Value;
                int inner = SubmissionJson.AddMembers(b.Nodes, submission.Value.Node, members);
                if (inner < 0)
                {
                    return false;
                }

                SubmissionJson.Value? answer = Member(json, members, inner, "answer"u8);
                SubmissionJson.Value? variant = Member(json, members, inner, "variant"u8);
                SubmissionJson.Value? question = Member(json, members, inner, "question"u8);
                SubmissionJson.Value? responseType = Member(json, members, inner, "response_type"u8);
                SubmissionJson.Value? correct = Member(json, members, inner, "correct"u8);
                members.Truncate(inner);

                // "If its value is different, we assume it's a moniker."
                int same = answer is { } given ? DeepEquals(json, value, given, b) : 0;
                int truthy = Truthy(json, correct, b);
                Range type = default;
                bool hasType = responseType is { Kind: JsonTokenType.String };
                if (same < 0 || truthy < 0 || (hasType && !TryAppendText(json, responseType!.Value, b, out type)))
                {
                    return false;
                }

                if (!TryMake(json, b, submission, answer, same == 0 ? value : null, variant is not null, variant, question, hasType, type, truthy == 1))
                {
                    return false;
                }
            }

            return true;
        }

        SubmissionJson.Value? seed = null;
        if (st >= 0 && members.Items[top + st].Value.Kind == JsonTokenType.StartObject)
        {
            int stateAt = SubmissionJson.AddMembers(b.Nodes, members.Items[top + st].Value.Node, members);
            if (stateAt < 0)
            {
                return false;
            }

            seed = Member(json, members, stateAt, "seed"u8);
            members.Truncate(stateAt);
        }

        for (int i = answersAt; i < answersAt + answersCount; i++)
        {
            SubmissionJson.Member answer = members.Items[i];
            ReadOnlySpan<byte> name = json[answer.Name..answer.NameEnd];
            int e;
            if (IsHidden(name) || correctMap.Start < 0 || (e = SubmissionJson.Find(json, members.Span.Slice(correctMap.Start, correctMap.Count), name)) < 0)
            {
                continue;
            }

            bool correct = false;
            SubmissionJson.Value entry = members.Items[correctMap.Start + e].Value;
            if (entry.Kind == JsonTokenType.StartObject)
            {
                int entryAt = SubmissionJson.AddMembers(b.Nodes, entry.Node, members);
                if (entryAt < 0)
                {
                    return false;
                }

                SubmissionJson.Value? correctness = Member(json, members, entryAt, "correctness"u8);
                members.Truncate(entryAt);
                if (correctness is { Kind: JsonTokenType.String } cv)
                {
                    if (!SubmissionJson.TryText(json, cv, ref b.Scratch, out ReadOnlySpan<byte> text))
                    {
                        return false;
                    }

                    correct = text.SequenceEqual("correct"u8);
                }
            }

            if (!TryMake(json, b, answer, null, answer.Value, true, seed, null, false, default, correct))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The last member named <paramref name="name"/> of those listed from <paramref name="from"/> on, or null.</summary>
    private static SubmissionJson.Value? Member(ReadOnlySpan<byte> json, RecordBuffer<SubmissionJson.Member> members, int from, ReadOnlySpan<byte> name)
    {
        int i = SubmissionJson.Find(json, members.Span[from..], name);
        return i < 0 ? null : members.Items[from + i].Value;
    }

    /// <summary><see cref="Make"/>'s texts of one answer built from the bytes, held as a <see cref="Pending"/> answer of <paramref name="part"/>.</summary>
    private static bool TryMake(
        ReadOnlySpan<byte> json, ForwardBuffers b, in SubmissionJson.Member part, SubmissionJson.Value? answer, SubmissionJson.Value? valueId, bool hasVariant,
        SubmissionJson.Value? variant, SubmissionJson.Value? question, bool hasResponseType, Range responseType, bool correct)
    {
        RecordBuffer<byte> built = b.Built;
        int truthyVariant = Truthy(json, variant, b);
        if (truthyVariant < 0)
        {
            return false;
        }

        // get_answer_grouping_key's variant: a missing or empty one counts as 1.
        int at = built.Count;
        if (!hasVariant)
        {
            built.AddRange("1"u8);
        }
        else if (variant is not { } v)
        {
            built.AddRange("None"u8);
        }
        else if (v.Kind == JsonTokenType.String && v.Start == v.End)
        {
            built.AddRange("1"u8);
        }
        else if (!TryPython(json, v, b))
        {
            return false;
        }

        Range groupingVariant = at..built.Count;
        Range valueIdText = built.Count..built.Count;
        if (valueId is { } id && !TryStringify(json, id, containsHtml: false, b, out valueIdText))
        {
            return false;
        }

        Range withIds = built.Count..built.Count;
        if (answer is { } given && !TryStringify(json, given, containsHtml: valueIdText.End.Value > valueIdText.Start.Value, b, out withIds))
        {
            return false;
        }

        Range withoutIds = valueIdText;
        if (answer is { } a && !TryStringify(json, a, containsHtml: false, b, out withoutIds))
        {
            return false;
        }

        // Stringify(value id, else answer) + "_" + the variant: a value id's text, else the answer's without markup stripped.
        at = built.Count;
        built.AddRange(built.Span[valueId is not null ? valueIdText : withoutIds]);
        built.Add((byte)'_');
        built.AddRange(built.Span[groupingVariant]);
        Range groupingKey = at..built.Count;

        Range questionText = built.Count..built.Count;
        at = built.Count;
        if (question is { } q && !TryPython(json, q, b))
        {
            return false;
        }

        questionText = at..built.Count;
        at = built.Count;
        if (truthyVariant == 1 && !TryPython(json, variant!.Value, b))
        {
            return false;
        }

        b.Pending.Add(new Pending(part.Name, part.NameEnd, valueId is not null, correct, hasResponseType, responseType, groupingKey, valueIdText, withIds, withoutIds,
            questionText, at..built.Count));
        return true;
    }

    /// <summary><see cref="Stringify"/> of a value that is there, appended to <see cref="ForwardBuffers.Built"/>.</summary>
    private static bool TryStringify(ReadOnlySpan<byte> json, in SubmissionJson.Value value, bool containsHtml, ForwardBuffers b, out Range text)
    {
        RecordBuffer<byte> built = b.Built;
        int at = built.Count;
        text = default;
        if (value.Kind == JsonTokenType.String)
        {
            if (!TryAppendNormalized(json, value, containsHtml, b))
            {
                return false;
            }
        }
        else if (value.Kind == JsonTokenType.StartArray)
        {
            int items = SubmissionJson.AddItems(b.Nodes, value.Node, b.Members);
            built.Add((byte)'[');
            for (int i = items; i < b.Members.Count; i++)
            {
                if (i > items)
                {
                    built.Add((byte)'|');
                }

                SubmissionJson.Value item = b.Members.Items[i].Value;
                if (!(item.Kind == JsonTokenType.String ? TryAppendNormalized(json, item, containsHtml, b) : TryPython(json, item, b)))
                {
                    return false;
                }
            }

            built.Add((byte)']');
            b.Members.Truncate(items);
        }
        else if (!TryPython(json, value, b))
        {
            return false;
        }

        text = at..built.Count;
        return true;
    }

    /// <summary>
    /// <see cref="Stringify"/>'s <c>Normalize</c> of a string, appended: its bytes as they are when trimming (or
    /// <see cref="TextFromHtml"/>) would leave them (printable ASCII at both ends; for markup, printable ASCII without
    /// <c>&lt;</c>, <c>&amp;</c> or a run of spaces), else made as a string.
    /// </summary>
    private static bool TryAppendNormalized(ReadOnlySpan<byte> json, in SubmissionJson.Value value, bool containsHtml, ForwardBuffers b)
    {
        if (!SubmissionJson.TryText(json, value, ref b.Scratch, out ReadOnlySpan<byte> text))
        {
            return false;
        }

        bool same = containsHtml
            ? text.IndexOfAnyExceptInRange((byte)' ', (byte)'~') < 0 && text.IndexOfAny("<&"u8) < 0 && text.IndexOf("  "u8) < 0
                && (text.IsEmpty || (text[0] != ' ' && text[^1] != ' '))
            : text.IsEmpty || (IsPrintable(text[0]) && IsPrintable(text[^1]));
        if (same)
        {
            b.Built.AddRange(text);
        }
        else
        {
            string s = Encoding.UTF8.GetString(text);
            Append(b, containsHtml ? TextFromHtml(s) : s.Trim());
        }

        return true;

        static bool IsPrintable(byte c) => c is > (byte)' ' and < 0x7F;
    }

    /// <summary><see cref="Python"/> of a value, appended.</summary>
    private static bool TryPython(ReadOnlySpan<byte> json, in SubmissionJson.Value value, ForwardBuffers b)
    {
        switch (value.Kind)
        {
            case JsonTokenType.String:
                return TryAppendText(json, value, b, out _);
            case JsonTokenType.True:
                b.Built.AddRange("True"u8);
                return true;
            case JsonTokenType.False:
                b.Built.AddRange("False"u8);
                return true;
            case JsonTokenType.Null:
                b.Built.AddRange("None"u8);
                return true;
            default:
                if (!SubmissionJson.TryRaw(json, value, out ReadOnlySpan<byte> raw))
                {
                    return false;
                }

                b.Built.AddRange(raw);
                return true;
        }
    }

    /// <summary>A string's text, appended.</summary>
    private static bool TryAppendText(ReadOnlySpan<byte> json, in SubmissionJson.Value value, ForwardBuffers b, out Range text)
    {
        text = default;
        if (!SubmissionJson.TryText(json, value, ref b.Scratch, out ReadOnlySpan<byte> utf8))
        {
            return false;
        }

        int at = b.Built.Count;
        b.Built.AddRange(utf8);
        text = at..b.Built.Count;
        return true;
    }

    private static void Append(ForwardBuffers b, string text)
    {
        int most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (b.Scratch.Length < most)
        {
            b.Scratch = new byte[Math.Max(most, b.Scratch.Length * 2)];
        }

        b.Built.AddRange(b.Scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, b.Scratch)));
    }

    /// <summary><see cref="Truthy(JsonElement?)"/> of a value (null: missing): 1 true, 0 false, -1 left to the document.</summary>
    private static int Truthy(ReadOnlySpan<byte> json, SubmissionJson.Value? value, ForwardBuffers b)
    {
        if (value is not { } v)
        {
            return 0;
        }

        switch (v.Kind)
        {
            case JsonTokenType.True:
                return 1;
            case JsonTokenType.String:
                return !SubmissionJson.TryText(json, v, ref b.Scratch, out ReadOnlySpan<byte> text) ? -1 : text.IsEmpty ? 0 : 1;
            case JsonTokenType.Number:
                return SubmissionJson.Double(json, v) != 0 ? 1 : 0;
            case JsonTokenType.StartArray or JsonTokenType.StartObject:
                return SubmissionJson.IsNotEmpty(b.Nodes, v.Node) ? 1 : 0;
            default:
                return 0;
        }
    }

    /// <summary>
    /// <see cref="JsonElement.DeepEquals"/> of an answer's value and its submission's answer: 1 equal, 0 not, -1 left
    /// to the document (numbers and objects, which it compares by their values).
    /// </summary>
    private static int DeepEquals(ReadOnlySpan<byte> json, in SubmissionJson.Value x, in SubmissionJson.Value y, ForwardBuffers b)
    {
        if (x.Kind is JsonTokenType.Number or JsonTokenType.StartObject || y.Kind is JsonTokenType.Number or JsonTokenType.StartObject)
        {
            return -1;
        }

        if (x.Kind != y.Kind)
        {
            return 0;
        }

        switch (x.Kind)
        {
            case JsonTokenType.String:
                if (!SubmissionJson.TryText(json, x, ref b.Scratch, out ReadOnlySpan<byte> a))
                {
                    return -1;
                }

                if (!y.Escaped)
                {
                    ReadOnlySpan<byte> raw = json[y.Start..y.End];
                    return !System.Text.Unicode.Utf8.IsValid(raw) ? -1 : a.SequenceEqual(raw) ? 1 : 0;
                }

                // Both unescaped at once: the first into a scratch of its own.
                if (b.Other.Length < a.Length)
                {
                    b.Other = new byte[Math.Max(a.Length, b.Other.Length * 2)];
                }

                a.CopyTo(b.Other);
                int length = a.Length;
                return !SubmissionJson.TryText(json, y, ref b.Scratch, out ReadOnlySpan<byte> c) ? -1 : c.SequenceEqual(b.Other.AsSpan(0, length)) ? 1 : 0;
            case JsonTokenType.StartArray:
                RecordBuffer<SubmissionJson.Member> members = b.Members;
                int xs = SubmissionJson.AddItems(b.Nodes, x.Node, members);
                int ys = SubmissionJson.AddItems(b.Nodes, y.Node, members);
                int end = members.Count;
                int result = ys - xs == end - ys ? 1 : 0;
                for (int i = 0; result == 1 && i < ys - xs; i++)
                {
                    result = DeepEquals(json, members.Items[xs + i].Value, members.Items[ys + i].Value, b);
                }

                members.Truncate(xs);
                return result;
            default:
                return 1; // true, false, null
        }
    }

    /// <summary>
    /// The answers of one submission as text, parsed by a new worker as completion parses them (<paramref name="reference"/>
    /// false) or from its document only: each answer's part and fields, then every text interned, in order. Returns
    /// whether the bytes were read forward (for tests).
    /// </summary>
    internal static (bool Forward, string Text) DescribeAnswers(ReadOnlyMemory<byte> json, bool reference)
    {
        var worker = new CompleteWorker();
        bool forward = false;
        if (reference)
        {
            AddDocumentAnswers(json, worker);
        }
        else
        {
            forward = ParseAnswers(json, worker);
        }

        var text = new StringBuilder();
        foreach ((int part, int answer) in worker.Parsed)
        {
            text.Append(CultureInfo.InvariantCulture, $"{part} {answer} {worker.Answer(answer)}\n");
        }

        for (int i = 0; i < worker.Texts.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i}: {Convert.ToHexString(worker.Texts[i])}\n");
        }

        return (forward, text.ToString());
    }

    private static bool IsHidden(ReadOnlySpan<byte> answerId) => answerId.EndsWith("_dynamath"u8) || answerId.EndsWith("_comment"u8);

    /// <summary>What <see cref="TryReadAnswers"/> reads with, a worker's own (kept from submission to submission).</summary>
    private sealed class ForwardBuffers
    {
        /// <summary>The index of the submission being read.</summary>
        public RecordBuffer<SubmissionJson.Node> Nodes { get; } = new();

        /// <summary>The members and items listed of the submission being read.</summary>
        public RecordBuffer<SubmissionJson.Member> Members { get; } = new();

        /// <summary>The texts of its answers, until they are interned.</summary>
        public RecordBuffer<byte> Built { get; } = new();

        /// <summary>Its answers, their texts in <see cref="Built"/>.</summary>
        public RecordBuffer<Pending> Pending { get; } = new();

        /// <summary>An unescaped text.</summary>
        public byte[] Scratch = new byte[256];

        /// <summary>Another, while one is compared with the first.</summary>
        public byte[] Other = new byte[256];
    }

    /// <summary>One answer read forward: its part's name in the submission, its flags, and its texts in <see cref="ForwardBuffers.Built"/>.</summary>
    private readonly record struct Pending(
        int Name, int NameEnd, bool HasValueId, bool Correct, bool HasResponseType, Range ResponseType, Range GroupingKey, Range ValueIdText, Range ValueWithIds,
        Range ValueWithoutIds, Range Question, Range Variant);
}
