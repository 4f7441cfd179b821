using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;
using XAnalytics.Pipeline;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Aggregates;

/// <summary>
/// Every flattened field path in the events with its count and one example: what the logs hold, for a first
/// look at an archive. Run it after <see cref="DecodeBrowserEventStage"/> so browser payloads are seen as fields.
/// Order-free, mergeable partials.
/// </summary>
public sealed class SchemaAggregate : IPartialAggregate<SchemaPartial>
{
    private readonly SchemaOptions _options;
    private readonly HashSet<string> _summarized;
    private readonly HashSet<string> _identifiers;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _summarizedLookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _identifierLookup;

    /// <summary>Creates the aggregate.</summary>
    public SchemaAggregate(SchemaOptions? options = null)
    {
        _options = options ?? new SchemaOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ExampleLength, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPaths, 1, nameof(options));
        _summarized = _options.All ? [] : new HashSet<string>(_options.Summarized, StringComparer.Ordinal);
        _identifiers = new HashSet<string>(_options.Identifiers, StringComparer.Ordinal);
        _summarizedLookup = _summarized.GetAlternateLookup<ReadOnlySpan<char>>();
        _identifierLookup = _identifiers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The result, once the run has ended.</summary>
    public SchemaResult? Result { get; private set; }

    /// <inheritdoc/>
    public SchemaPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(SchemaPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<byte> line = batch.GetUtf8(i);
            target.EventKey = ((long)batch.Source.Index << 40) | batch.GetLineNumber(i);
            var reader = new Utf8JsonReader(line, JsonBytes.ReaderOptions);
            reader.Read();
            Walk(target, ref reader, line, 0, 0, 0);
            target.Events++;
        }
    }

    /// <inheritdoc/>
    public void Merge(SchemaPartial into, SchemaPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Events += from.Events;
        into.LeftOut += from.LeftOut;
        foreach ((string path, SchemaEntry entry) in from.Paths)
        {
            if (into.Paths.TryGetValue(path, out SchemaEntry? mine))
            {
                mine.Count += entry.Count;
                if (entry.ExampleKey < mine.ExampleKey)
                {
                    mine.Example = entry.Example;
                    mine.ExampleKey = entry.ExampleKey;
                }
            }
            else
            {
                into.Paths[path] = entry;
            }
        }
    }

    /// <inheritdoc/>
    public void Complete(SchemaPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var fields = new List<SchemaField>(result.Paths.Count);
        foreach ((string path, SchemaEntry entry) in result.Paths)
        {
            fields.Add(new SchemaField(path, entry.Count, entry.Example));
        }

        fields.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        Result = new SchemaResult(result.Events, fields, result.LeftOut);
    }

    /// <summary>
    /// Records the value at the reader under the path written so far; its key is at
    /// <paramref name="keyStart"/> (<paramref name="keyLength"/> characters) in the path buffer.
    /// </summary>
    private void Walk(SchemaPartial p, ref Utf8JsonReader r, ReadOnlySpan<byte> json, int pathLength, int keyStart, int keyLength)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.StartObject:
                bool empty = true;
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    empty = false;
                    byte[] scratch = p.Scratch;
                    ReadOnlySpan<byte> name = JsonBytes.Unescaped(ref r, ref scratch);
                    p.Scratch = scratch;
                    int length = AppendName(p, pathLength, name);
                    int childStart = pathLength == 0 ? 0 : pathLength + 1;
                    r.Read();
                    if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                        && _summarized.Count > 0 && _summarizedLookup.Contains(p.PathBuffer.AsSpan(childStart, length - childStart)))
                    {
                        r.Skip();
                        Record(p, length, r.TokenType == JsonTokenType.EndObject ? "{...}" : "[...]");
                        continue;
                    }

                    Walk(p, ref r, json, length, childStart, length - childStart);
                }

                if (empty && pathLength > 0)
                {
                    Record(p, pathLength, "{}");
                }

                break;
            case JsonTokenType.StartArray:
                int arrayPath = Append(p, pathLength, "[]");
                bool none = true;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    none = false;
                    Walk(p, ref r, json, arrayPath, keyStart, keyLength);
                }

                if (none)
                {
                    Record(p, pathLength, "[]");
                }

                break;
            default:
                RecordValue(p, ref r, json, pathLength, keyStart, keyLength);
                break;
        }
    }

    private void RecordValue(SchemaPartial p, ref Utf8JsonReader r, ReadOnlySpan<byte> json, int pathLength, int keyStart, int keyLength)
    {
        ReadOnlySpan<char> path = p.PathBuffer.AsSpan(0, pathLength);
        if (p.Lookup.TryGetValue(path, out SchemaEntry? entry) && entry.ExampleKey <= p.EventKey)
        {
            Count(p, entry);
            return;
        }

        // A new path, or one this worker first met later in input order than here: the example is (re)made.
        string example;
        ReadOnlySpan<char> key = p.PathBuffer.AsSpan(keyStart, keyLength);
        if (r.TokenType != JsonTokenType.Null && _identifierLookup.Contains(key))
        {
            example = $"<{key}>";
        }
        else if (r.TokenType == JsonTokenType.String)
        {
            byte[] scratch = p.Scratch;
            example = Example(JsonBytes.Unescaped(ref r, ref scratch));
            p.Scratch = scratch;
        }
        else
        {
            example = Cut(Encoding.UTF8.GetString(JsonBytes.RawToken(ref r, json)));
        }

        Record(p, pathLength, example);
    }

    private void Record(SchemaPartial p, int pathLength, string example)
    {
        ReadOnlySpan<char> path = p.PathBuffer.AsSpan(0, pathLength);
        if (!p.Lookup.TryGetValue(path, out SchemaEntry? entry))
        {
            if (p.Paths.Count >= _options.MaxPaths)
            {
                p.LeftOut++;
                return;
            }

            entry = new SchemaEntry(example, p.EventKey);
            Dictionary<string, SchemaEntry>.AlternateLookup<ReadOnlySpan<char>> lookup = p.Lookup;
            lookup[path] = entry;
        }
        else if (p.EventKey < entry.ExampleKey)
        {
            entry.Example = example;
            entry.ExampleKey = p.EventKey;
        }

        Count(p, entry);
    }

    private static void Count(SchemaPartial p, SchemaEntry entry)
    {
        if (entry.LastEvent != p.Events)
        {
            entry.LastEvent = p.Events;
            entry.Count++;
        }
    }

    private string Example(ReadOnlySpan<byte> text)
    {
        Utf8JsonBuilder urls = Utf8JsonBuilder.ForThread(2);
        if (PiiText.ReplaceUrlUsernames(text, urls, PlaceholderNames.Instance))
        {
            text = urls.Written;
        }

        Utf8JsonBuilder contacts = Utf8JsonBuilder.ForThread(3);
        if (PiiText.ReplaceContacts(text, contacts))
        {
            text = contacts.Written;
        }

        return Cut(Encoding.UTF8.GetString(text));
    }

    private string Cut(string text)
        => text.Length <= _options.ExampleLength ? text : string.Concat(text.AsSpan(0, _options.ExampleLength), "...");

    private static int AppendName(SchemaPartial p, int pathLength, ReadOnlySpan<byte> name)
    {
        int at = pathLength;
        int max = Encoding.UTF8.GetMaxCharCount(name.Length) + 1;
        EnsurePath(p, at + max);
        if (at > 0)
        {
            p.PathBuffer[at++] = '.';
        }

        return at + Encoding.UTF8.GetChars(name, p.PathBuffer.AsSpan(at));
    }

    private static int Append(SchemaPartial p, int pathLength, string suffix)
    {
        EnsurePath(p, pathLength + suffix.Length);
        suffix.CopyTo(p.PathBuffer.AsSpan(pathLength));
        return pathLength + suffix.Length;
    }

    private static void EnsurePath(SchemaPartial p, int size)
    {
        if (size > p.PathBuffer.Length)
        {
            char[] bigger = new char[Math.Max(size, p.PathBuffer.Length * 2)];
            p.PathBuffer.CopyTo(bigger, 0);
            p.PathBuffer = bigger;
        }
    }

    private sealed class PlaceholderNames : IUsernameReplacer
    {
        public static readonly PlaceholderNames Instance = new();

        public void AppendReplacement(ReadOnlySpan<byte> username, Utf8JsonBuilder output) => output.Append("<username>"u8);
    }

    /// <inheritdoc/>
    public string StateName => "schema";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// Whether noisy subtrees were walked, the events, the values left out, then every path with its count, its
    /// example and where the example stands in input order (file index in the plan, then line); the paths in ordinal order.
    /// </remarks>
    public void WritePartial(SchemaPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt(_options.All ? 1UL : 0UL);
        writer.WriteUInt((ulong)state.Events);
        writer.WriteUInt((ulong)state.LeftOut);
        writer.WriteUInt((ulong)state.Paths.Count);
        string[] paths = [.. state.Paths.Keys];
        Array.Sort(paths, StringComparer.Ordinal); // the same file whatever order the threads met the paths in
        foreach (string path in paths)
        {
            SchemaEntry entry = state.Paths[path];
            writer.WriteString(path);
            writer.WriteUInt((ulong)entry.Count);
            writer.WriteString(entry.Example);
            writer.WriteInt(entry.ExampleKey);
        }
    }

    /// <inheritdoc/>
    public SchemaPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if ((reader.ReadUInt() == 1) != _options.All)
        {
            throw reader.Corrupt("a schema made with another --all than this merge's");
        }

        SchemaPartial partial = CreatePartial();
        partial.Events = (long)reader.ReadUInt();
        partial.LeftOut = (long)reader.ReadUInt();
        int paths = reader.ReadCount();
        for (int i = 0; i < paths; i++)
        {
            string path = reader.ReadString();
            long count = (long)reader.ReadUInt();
            string example = reader.ReadString();
            partial.Paths[path] = new SchemaEntry(example, reader.ReadInt()) { Count = count };
        }

        return partial;
    }
}
