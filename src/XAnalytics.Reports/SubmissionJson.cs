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
