using System.Text.Json;
using System.Text.Unicode;

namespace XAnalytics.Reports;

/// <summary>
/// A submission's event data (the compact copy, see <see cref="ProblemResponseSection.Compact"/>) read forward with a
/// <see cref="Utf8JsonReader"/>, without a document: an object's members and an array's items listed as ranges of the
/// bytes, a member found by name as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> finds it (the
/// last of duplicate names). A shape it does not read as the document would (an escaped member name) is refused, and
/// its callers then take the document's path for the whole submission: the answer tables' fast paths stay exact.
/// </summary>
internal static class SubmissionJson
{
    /// <summary>
    /// Indexes <paramref name="json"/> into <paramref name="nodes"/> (cleared) in one forward pass: a node per value,
    /// the root first, each container's children linked in their order (duplicates kept). A value is found from there
    /// without reading the bytes again. Reading each object again where it was looked in cost as much as the
    /// document (about 60 ms for the 21,969 distinct submissions of 1M generated events, the document's 59-70 ms);
    /// indexed once, the problem responses took 33-54 ms, the answer distribution 48-65 ms (the document's 88-100 ms).
    /// </summary>
    public static void Index(ReadOnlySpan<byte> json, RecordBuffer<Node> nodes)
    {
        nodes.Clear();
        var reader = new Utf8JsonReader(json);
        Span<int> open = stackalloc int[66]; // the open containers' nodes, the root's first
        Span<int> last = stackalloc int[66]; // the last child of each, -1 before the first
        int depth = 0;
        int name = 0, nameEnd = 0;
        bool nameEscaped = false;
        while (reader.Read())
        {
            JsonTokenType kind = reader.TokenType;
            if (kind == JsonTokenType.PropertyName)
            {
                name = (int)reader.TokenStartIndex + 1;
                nameEnd = name + reader.ValueSpan.Length;
                nameEscaped = reader.ValueIsEscaped;
                continue;
            }

            if (kind is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
                nodes.Items[open[depth]].Value = nodes.Items[open[depth]].Value with { End = (int)reader.BytesConsumed };
                continue;
            }

            int at = (int)reader.TokenStartIndex;
            int id = nodes.Count;
            Value value = kind == JsonTokenType.String
                ? new Value(at + 1, at + 1 + reader.ValueSpan.Length, kind, reader.ValueIsEscaped, id)
                : new Value(at, at + reader.ValueSpan.Length, kind, false, id); // a container's end is set at its end
            bool named = depth > 0 && nodes.Items[open[depth - 1]].Value.Kind == JsonTokenType.StartObject;
            nodes.Add(new Node { Name = named ? name : 0, NameEnd = named ? nameEnd : 0, NameEscaped = named && nameEscaped, Value = value, FirstChild = -1, Next = -1 });
            if (depth > 0)
            {
                if (last[depth - 1] < 0)
                {
                    nodes.Items[open[depth - 1]].FirstChild = id;
                }
                else
                {
                    nodes.Items[last[depth - 1]].Next = id;
                }

                last[depth - 1] = id;
            }

            if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                open[depth] = id;
                last[depth] = -1;
                depth++;
            }
        }
    }

    /// <summary>
    /// Lists the members of object node <paramref name="container"/> at the end of <paramref name="into"/>, in their
    /// order (duplicates kept); returns where they start there, or -1 when a name is escaped.
    /// </summary>
    public static int AddMembers(RecordBuffer<Node> nodes, int container, RecordBuffer<Member> into)
    {
        int first = into.Count;
        for (int c = nodes.Items[container].FirstChild; c >= 0; c = nodes.Items[c].Next)
        {
            ref Node n = ref nodes.Items[c];
            if (n.NameEscaped)
            {
                return -1;
            }

            into.Add(new Member(n.Name, n.NameEnd, n.Value));
        }

        return first;
    }

    /// <summary>Lists the items of array node <paramref name="container"/> at the end of <paramref name="into"/> (nameless); returns where they start there.</summary>
    public static int AddItems(RecordBuffer<Node> nodes, int container, RecordBuffer<Member> into)
    {
        int first = into.Count;
        for (int c = nodes.Items[container].FirstChild; c >= 0; c = nodes.Items[c].Next)
        {
            into.Add(new Member(0, 0, nodes.Items[c].Value));
        }

        return first;
    }

    /// <summary>The last of <paramref name="members"/> named <paramref name="name"/> (unescaped UTF-8), or -1.</summary>
    public static int Find(ReadOnlySpan<byte> json, ReadOnlySpan<Member> members, ReadOnlySpan<byte> name)
    {
        for (int i = members.Length - 1; i >= 0; i--)
        {
            if (json[members[i].Name..members[i].NameEnd].SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The text of string <paramref name="value"/> as UTF-8, unescaped into <paramref name="scratch"/> when it has
    /// escapes; false when its bytes are not valid UTF-8 (the document's <c>GetString</c> throws on them). An escape of
    /// a lone surrogate throws as <c>GetString</c> does.
    /// </summary>
    public static bool TryText(ReadOnlySpan<byte> json, in Value value, ref byte[] scratch, out ReadOnlySpan<byte> text)
    {
        text = json[value.Start..value.End];
        if (value.Escaped)
        {
            if (scratch.Length < text.Length)
            {
                scratch = new byte[Math.Max(text.Length, scratch.Length * 2)];
            }

            var reader = new Utf8JsonReader(json[(value.Start - 1)..(value.End + 1)]);
            reader.Read();
            text = scratch.AsSpan(0, reader.CopyString(scratch));
        }

        return Utf8.IsValid(text);
    }

    /// <summary>The JSON text of <paramref name="value"/> (<see cref="JsonElement.GetRawText"/>'s), false when it is not valid UTF-8.</summary>
    public static bool TryRaw(ReadOnlySpan<byte> json, in Value value, out ReadOnlySpan<byte> raw)
    {
        raw = value.Kind == JsonTokenType.String ? json[(value.Start - 1)..(value.End + 1)] : json[value.Start..value.End];
        return Utf8.IsValid(raw);
    }

    /// <summary><see cref="JsonElement.GetDouble"/> of number <paramref name="value"/>.</summary>
    public static double Double(ReadOnlySpan<byte> json, in Value value)
    {
        var reader = new Utf8JsonReader(json[value.Start..value.End], isFinalBlock: true, default);
        reader.Read();
        return reader.GetDouble();
    }

    /// <summary>Whether object or array node <paramref name="container"/> has a member or an item.</summary>
    public static bool IsNotEmpty(RecordBuffer<Node> nodes, int container) => nodes.Items[container].FirstChild >= 0;

    /// <summary>
    /// Lists what both answer tables read of a submission's data, in the order they read it (edX's
    /// <c>problem_response.py</c> and <c>answer_dist.py</c> walk the same members): the root object's members, then
    /// <c>correct_map</c>'s when it is an object, <c>answers</c>'s, and <c>submission</c>'s when it is an object.
    /// </summary>
    /// <returns>-1 when the data is left to the document (the root is not an object, or a name is escaped); 0 when
    /// there is nothing to read (<c>answers</c> absent or not an object); 1 when <paramref name="parts"/> is ready.</returns>
    public static int OpenAnswers(ReadOnlySpan<byte> json, RecordBuffer<Node> nodes, RecordBuffer<Member> members, out AnswerParts parts)
    {
        parts = default;
        int top = AddMembers(nodes, 0, members);
        if (top < 0 || nodes.Items[0].Value.Kind != JsonTokenType.StartObject)
        {
            return -1;
        }

        ReadOnlySpan<Member> root = members.Span.Slice(top, members.Count - top);
        int a = Find(json, root, "answers"u8);
        if (a < 0 || root[a].Value.Kind != JsonTokenType.StartObject)
        {
            return 0;
        }

        int c = Find(json, root, "correct_map"u8);
        int s = Find(json, root, "submission"u8);
        int st = Find(json, root, "state"u8);
        Value answers = root[a].Value;
        Value? submission = s >= 0 && root[s].Value.Kind == JsonTokenType.StartObject ? root[s].Value : null;
        int mapAt = -1, mapCount = 0;
        if (c >= 0 && root[c].Value.Kind == JsonTokenType.StartObject)
        {
            Value map = root[c].Value;
            if ((mapAt = AddMembers(nodes, map.Node, members)) < 0)
            {
                return -1;
            }

            mapCount = members.Count - mapAt;
        }

        int answersAt = AddMembers(nodes, answers.Node, members);
        if (answersAt < 0)
        {
            return -1;
        }

        int answersCount = members.Count - answersAt;
        int submissionsAt = -1, submissionsEnd = -1;
        if (submission is { } sv)
        {
            if ((submissionsAt = AddMembers(nodes, sv.Node, members)) < 0)
            {
                return -1;
            }

            submissionsEnd = members.Count;
        }

        parts = new AnswerParts(answersAt, answersCount, mapAt, mapCount, submissionsAt, submissionsEnd, st >= 0 ? top + st : -1);
        return 1;
    }

    /// <summary>
    /// Whether submission member <paramref name="i"/> is one edX reads (<c>for answer_id, submission in
    /// submissions.iteritems()</c>: a visible answer id, an object, and an answer of that id), with its name and that
    /// answer's value.
    /// </summary>
    public static bool IsAnswered(ReadOnlySpan<byte> json, RecordBuffer<Member> members, in AnswerParts parts, int i, out ReadOnlySpan<byte> name, out Value answer)
    {
        Member submission = members.Items[i];
        name = json[submission.Name..submission.NameEnd];
        answer = default;
        int v;
        if (IsHidden(name) || submission.Value.Kind != JsonTokenType.StartObject
            || (v = Find(json, members.Span.Slice(parts.AnswersAt, parts.AnswersCount), name)) < 0)
        {
            return false;
        }

        answer = members.Items[parts.AnswersAt + v].Value;
        return true;
    }

    /// <summary>
    /// Whether answer member <paramref name="i"/> is one edX reads when there is no submission (a visible answer id with
    /// an entry in <c>correct_map</c>), with its name and where that entry stands among the members.
    /// </summary>
    public static bool IsMapped(ReadOnlySpan<byte> json, RecordBuffer<Member> members, in AnswerParts parts, int i, out ReadOnlySpan<byte> name, out int entry)
    {
        Member answer = members.Items[i];
        name = json[answer.Name..answer.NameEnd];
        entry = -1;
        int e;
        if (IsHidden(name) || parts.CorrectMapAt < 0 || (e = Find(json, members.Span.Slice(parts.CorrectMapAt, parts.CorrectMapCount), name)) < 0)
        {
            return false;
        }

        entry = parts.CorrectMapAt + e;
        return true;
    }

    /// <summary>edX's hidden answer ids, which neither table reads: those ending <c>_dynamath</c> or <c>_comment</c>.</summary>
    public static bool IsHidden(ReadOnlySpan<byte> answerId) => answerId.EndsWith("_dynamath"u8) || answerId.EndsWith("_comment"u8);

    /// <summary>Where <see cref="OpenAnswers"/> listed a submission's parts among the members (-1: absent).</summary>
    /// <param name="AnswersAt">The first of <c>answers</c>'s members.</param>
    /// <param name="AnswersCount">How many.</param>
    /// <param name="CorrectMapAt">The first of <c>correct_map</c>'s members (-1: not an object).</param>
    /// <param name="CorrectMapCount">How many.</param>
    /// <param name="SubmissionsAt">The first of <c>submission</c>'s members (-1: not an object; the tables then read the answers alone).</param>
    /// <param name="SubmissionsEnd">Past the last of them.</param>
    /// <param name="State">The root's <c>state</c> member (-1: absent).</param>
    internal readonly record struct AnswerParts(int AnswersAt, int AnswersCount, int CorrectMapAt, int CorrectMapCount, int SubmissionsAt, int SubmissionsEnd, int State)
    {
        /// <summary>The correct map's members as a range, (-1, 0) when it is not an object.</summary>
        public (int Start, int Count) CorrectMap => (CorrectMapAt, CorrectMapCount);
    }

    /// <summary>A JSON value in the bytes: a string's contents between its quotes (escapes as written), else its whole text.</summary>
    /// <param name="Start">Where it starts.</param>
    /// <param name="End">Where it ends (exclusive).</param>
    /// <param name="Kind">Its first token: <see cref="JsonTokenType.StartObject"/> for an object, and so on.</param>
    /// <param name="Escaped">A string with escapes.</param>
    /// <param name="Node">Its node in the index.</param>
    internal readonly record struct Value(int Start, int End, JsonTokenType Kind, bool Escaped, int Node);

    /// <summary>An object's member (its name's UTF-8 as written, without escapes) or an array's item (no name).</summary>
    /// <param name="Name">Where the name starts.</param>
    /// <param name="NameEnd">Where it ends (exclusive).</param>
    /// <param name="Value">Its value.</param>
    internal readonly record struct Member(int Name, int NameEnd, Value Value);

    /// <summary>A value in the index, with its name when it is an object's member, its first child and its next sibling (-1: none).</summary>
    internal struct Node
    {
        public int Name;
        public int NameEnd;
        public bool NameEscaped;
        public Value Value;
        public int FirstChild;
        public int Next;
    }
}
