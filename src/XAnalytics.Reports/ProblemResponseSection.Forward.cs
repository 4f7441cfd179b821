using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace XAnalytics.Reports;

/// <summary>The answers of a latest submission read forward from its bytes (see <see cref="AddAnswers"/>).</summary>
public sealed partial class ProblemResponseSection
{
    /// <summary>The white space <see cref="Clean"/> changes but for single spaces.</summary>
    private static readonly SearchValues<byte> s_cleaned = SearchValues.Create("\t\n\v\f\r"u8);

    /// <summary>
    /// <c>_generate_answers</c> and <c>get_answer_data</c> over a latest submission's event data, added to
    /// <paramref name="into"/>: read forward from the bytes (<see cref="TryAddAnswers"/>), else, for a shape that path
    /// leaves (escaped names, text that is not UTF-8), by <see cref="Answers(JsonElement)"/> over its document. Returns
    /// whether the bytes were read forward (for tests).
    /// </summary>
    internal static bool AddAnswers(ReadOnlyMemory<byte> submission, RecordBuffer<SubmissionJson.Node> nodes, RecordBuffer<SubmissionJson.Member> members, ref byte[] scratch, ParsedAnswers into)
    {
        int answers = into.Count, texts = into.TextCount;
        members.Clear();
        SubmissionJson.Index(submission.Span, nodes);
        if (TryAddAnswers(submission.Span, nodes, members, ref scratch, into))
        {
            return true;
        }

        into.Truncate(answers, texts);
        using JsonDocument doc = JsonDocument.Parse(submission);
        foreach ((string answerId, string question, IReadOnlyList<string> answer, bool? correct) in Answers(doc.RootElement))
        {
            int first = into.TextCount;
            into.AddText(answerId);
            into.AddText(question);
            for (int i = 0; i < answer.Count; i++)
            {
                into.AddText(answer[i]);
            }

            into.Add(first, answer.Count, correct);
        }

        return false;
    }

    /// <summary>
    /// <see cref="Answers(JsonElement)"/> read forward from the UTF-8 of the event data: members found as the document
    /// finds them (the last of duplicates), texts kept as bytes and cleaned only when they hold what
    /// <see cref="Clean"/> changes. False when it leaves the submission to the document (the caller takes back what it added).
    /// </summary>
    private static bool TryAddAnswers(ReadOnlySpan<byte> json, RecordBuffer<SubmissionJson.Node> nodes, RecordBuffer<SubmissionJson.Member> members, ref byte[] scratch, ParsedAnswers into)
    {
        int top = SubmissionJson.AddMembers(nodes, 0, members);
        if (top < 0 || nodes.Items[0].Value.Kind != JsonTokenType.StartObject)
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
        (int Start, int Count) correctMap = (-1, 0);
        if (c >= 0 && members.Items[top + c].Value.Kind == JsonTokenType.StartObject)
        {
            int at = SubmissionJson.AddMembers(nodes, members.Items[top + c].Value.Node, members);
            if (at < 0)
            {
                return false;
            }

            correctMap = (at, members.Count - at);
        }

        int answersAt = SubmissionJson.AddMembers(nodes, members.Items[top + a].Value.Node, members);
        if (answersAt < 0)
        {
            return false;
        }

        int answersCount = members.Count - answersAt;
        if (s >= 0 && members.Items[top + s].Value.Kind == JsonTokenType.StartObject)
        {
            int subAt = SubmissionJson.AddMembers(nodes, members.Items[top + s].Value.Node, members);
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
                int inner = SubmissionJson.AddMembers(nodes, submission.Value.Node, members);
                if (inner < 0)
                {
                    return false;
                }

                int answer = SubmissionJson.Find(json, members.Span[inner..], "answer"u8);
                int question = SubmissionJson.Find(json, members.Span[inner..], "question"u8);
                SubmissionJson.Value shown = answer >= 0 ? members.Items[inner + answer].Value : value;
                int first = into.TextCount;
                into.AddText(name);
                if (question >= 0 && members.Items[inner + question].Value.Kind == JsonTokenType.String)
                {
                    if (!TryAddClean(json, members.Items[inner + question].Value, ref scratch, into))
                    {
                        return false;
                    }
                }
                else
                {
                    into.AddText(ReadOnlySpan<byte>.Empty);
                }

                members.Truncate(inner);
                if (!TryAddAnswerText(json, shown, nodes, members, ref scratch, into, out int values)
                    || !TryCorrectness(json, nodes, members, correctMap, name, out bool? correct))
                {
                    return false;
                }

                into.Add(first, values, correct);
            }

            return true;
        }

        for (int i = answersAt; i < answersAt + answersCount; i++)
        {
            SubmissionJson.Member answer = members.Items[i];
            ReadOnlySpan<byte> name = json[answer.Name..answer.NameEnd];
            if (IsHidden(name) || correctMap.Start < 0 || SubmissionJson.Find(json, members.Span.Slice(correctMap.Start, correctMap.Count), name) < 0)
            {
                continue;
            }

            int first = into.TextCount;
            into.AddText(name);
            into.AddText(ReadOnlySpan<byte>.Empty);
            if (!TryAddAnswerText(json, answer.Value, nodes, members, ref scratch, into, out int values)
                || !TryCorrectness(json, nodes, members, correctMap, name, out bool? correct))
            {
                return false;
            }

            into.Add(first, values, correct);
        }

        return true;
    }

    /// <summary><see cref="AnswerText"/> from the bytes: the values' texts added, <paramref name="values"/> of them.</summary>
    private static bool TryAddAnswerText(
        ReadOnlySpan<byte> json, in SubmissionJson.Value value, RecordBuffer<SubmissionJson.Node> nodes, RecordBuffer<SubmissionJson.Member> members, ref byte[] scratch, ParsedAnswers into, out int values)
    {
        values = 1;
        if (value.Kind == JsonTokenType.String)
        {
            return TryAddClean(json, value, ref scratch, into);
        }

        if (value.Kind != JsonTokenType.StartArray)
        {
            return TryAddRaw(json, value, into);
        }

        int items = SubmissionJson.AddItems(nodes, value.Node, members);
        values = members.Count - items;
        for (int i = items; i < members.Count; i++)
        {
            SubmissionJson.Value item = members.Items[i].Value;
            if (!(item.Kind == JsonTokenType.String ? TryAddClean(json, item, ref scratch, into) : TryAddRaw(json, item, into)))
            {
                return false;
            }
        }

        members.Truncate(items);
        return true;

        static bool TryAddRaw(ReadOnlySpan<byte> json, in SubmissionJson.Value value, ParsedAnswers into)
        {
            if (!SubmissionJson.TryRaw(json, value, out ReadOnlySpan<byte> raw))
            {
                return false;
            }

            into.AddText(raw);
            return true;
        }
    }

    /// <summary>
    /// <see cref="Clean"/> of a string value, added: its bytes as they are when it has no white space but single
    /// spaces and no <c>&lt;choicehint</c> (which the cleaning leaves alone), else cleaned as a string.
    /// </summary>
    private static bool TryAddClean(ReadOnlySpan<byte> json, in SubmissionJson.Value value, ref byte[] scratch, ParsedAnswers into)
    {
        if (!SubmissionJson.TryText(json, value, ref scratch, out ReadOnlySpan<byte> text))
        {
            return false;
        }

        if (text.IndexOfAny(s_cleaned) < 0 && text.IndexOf("  "u8) < 0 && text.IndexOf("<choicehint"u8) < 0)
        {
            into.AddText(text);
        }
        else
        {
            into.AddText(Clean(Encoding.UTF8.GetString(text)));
        }

        return true;
    }

    /// <summary><see cref="Correctness"/> from the bytes (false for an escaped <c>correctness</c>, left to the document).</summary>
    private static bool TryCorrectness(
        ReadOnlySpan<byte> json, RecordBuffer<SubmissionJson.Node> nodes, RecordBuffer<SubmissionJson.Member> members, (int Start, int Count) correctMap, ReadOnlySpan<byte> answerId, out bool? correct)
    {
        correct = null;
        int e;
        if (correctMap.Start < 0 || (e = SubmissionJson.Find(json, members.Span.Slice(correctMap.Start, correctMap.Count), answerId)) < 0
            || members.Items[correctMap.Start + e].Value.Kind != JsonTokenType.StartObject)
        {
            return true;
        }

        int entry = SubmissionJson.AddMembers(nodes, members.Items[correctMap.Start + e].Value.Node, members);
        if (entry < 0)
        {
            return false;
        }

        int c = SubmissionJson.Find(json, members.Span[entry..], "correctness"u8);
        SubmissionJson.Value value = c < 0 ? default : members.Items[entry + c].Value;
        members.Truncate(entry);
        if (c < 0 || value.Kind != JsonTokenType.String)
        {
            return true;
        }

        if (value.Escaped)
        {
            return false;
        }

        ReadOnlySpan<byte> text = json[value.Start..value.End];
        if (!Utf8.IsValid(text))
        {
            return false; // GetString throws
        }

        correct = text.SequenceEqual("correct"u8) ? true : text.SequenceEqual("incorrect"u8) ? false : null;
        return true;
    }

    private static bool IsHidden(ReadOnlySpan<byte> answerId) => answerId.EndsWith("_dynamath"u8) || answerId.EndsWith("_comment"u8);
}
