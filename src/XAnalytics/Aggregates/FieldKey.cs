using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Internal;

namespace XAnalytics.Aggregates;

/// <summary>
/// Builds a grouping key from one or more fields of an event, as bytes: per field a tag (missing, text, JSON),
/// a length and the value, so keys of several fields can never run into each other.
/// </summary>
internal sealed class FieldKey
{
    /// <summary>The tag of a missing (or null) field.</summary>
    public const byte MissingTag = 0;

    /// <summary>The tag of a JSON value other than a string (its text is kept).</summary>
    public const byte JsonTag = 2;

    private const byte Missing = MissingTag;
    private const byte Text = 1;
    private const byte Json = JsonTag;

    private readonly FieldPath[] _paths;
    private byte[] _buffer = new byte[256];

    public FieldKey(IReadOnlyList<FieldPath> paths) => _paths = [.. paths];

    /// <summary>Builds the key of event <paramref name="index"/>; valid until the next call.</summary>
    public ReadOnlySpan<byte> Build(EventBatch batch, int index)
    {
        int at = 0;
        foreach (FieldPath path in _paths)
        {
            if (!batch.TryGetField(index, path, out FieldValue value) || value.IsNull)
            {
                Ensure(at + 1);
                _buffer[at++] = Missing;
                continue;
            }

            if (path.Kind == FieldPathKind.Day)
            {
                at = AppendDay(value, at);
                continue;
            }

            byte tag = value.Kind == JsonTokenType.String ? Text : Json;
            Ensure(at + 5 + value.RawJson.Length);
            _buffer[at] = tag;
            int length = value.CopyTo(_buffer.AsSpan(at + 5));
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(at + 1), length);
            at += 5 + length;
        }

        return _buffer.AsSpan(0, at);
    }

    /// <summary>Decodes a key back into its values (null for a missing field).</summary>
    public static string?[] Decode(ReadOnlySpan<byte> key, int fields) => Decode(key, fields, null);

    /// <summary>
    /// Decodes a key back into its values (null for a missing field), and marks in <paramref name="isJson"/> (when
    /// given) the values that are JSON text, not strings: numbers, booleans, objects and arrays.
    /// </summary>
    public static string?[] Decode(ReadOnlySpan<byte> key, int fields, bool[]? isJson)
    {
        var values = new string?[fields];
        int at = 0;
        for (int i = 0; i < fields; i++)
        {
            byte tag = key[at++];
            if (tag == Missing)
            {
                continue;
            }

            int length = BinaryPrimitives.ReadInt32LittleEndian(key[at..]);
            values[i] = Encoding.UTF8.GetString(key.Slice(at + 4, length));
            if (isJson is not null)
            {
                isJson[i] = tag == Json;
            }

            at += 4 + length;
        }

        return values;
    }

    /// <summary>
    /// Orders two keys of <paramref name="fields"/> fields as their decoded values compare: field by field, a missing
    /// value first, then by <see cref="string.CompareOrdinal(string, string)"/> of the values, then a string before
    /// JSON text written the same. Compares the UTF-8 bytes, decoding only around the first difference.
    /// </summary>
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int fields)
    {
        int atA = 0;
        int atB = 0;
        for (int i = 0; i < fields; i++)
        {
            byte tagA = a[atA++];
            byte tagB = b[atB++];
            if (tagA == Missing || tagB == Missing)
            {
                if (tagA != tagB)
                {
                    return tagA == Missing ? -1 : 1;
                }

                continue;
            }

            int lengthA = BinaryPrimitives.ReadInt32LittleEndian(a[atA..]);
            int lengthB = BinaryPrimitives.ReadInt32LittleEndian(b[atB..]);
            int c = Utf8Text.CompareOrdinalUtf16(a.Slice(atA + 4, lengthA), b.Slice(atB + 4, lengthB));
            if (c == 0)
            {
                c = tagA.CompareTo(tagB);
            }

            if (c != 0)
            {
                return c;
            }

            atA += 4 + lengthA;
            atB += 4 + lengthB;
        }

        return 0;
    }

    /// <summary>
    /// The value of field <paramref name="field"/> of <paramref name="key"/> (empty when missing) and its tag
    /// (<see cref="MissingTag"/>, text, or <see cref="JsonTag"/>).
    /// </summary>
    public static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> key, int field, out byte tag)
    {
        int at = 0;
        for (int i = 0; i < field; i++)
        {
            if (key[at++] != Missing)
            {
                at += 4 + BinaryPrimitives.ReadInt32LittleEndian(key[at..]);
            }
        }

        tag = key[at++];
        return tag == Missing ? default : key.Slice(at + 4, BinaryPrimitives.ReadInt32LittleEndian(key[at..]));
    }

    /// <summary>Hands the <paramref name="fields"/> values of <paramref name="key"/> to <paramref name="visitor"/>, as bytes.</summary>
    public static void Visit(ReadOnlySpan<byte> key, int fields, ICountRowVisitor visitor)
    {
        int at = 0;
        for (int i = 0; i < fields; i++)
        {
            byte tag = key[at++];
            if (tag == Missing)
            {
                visitor.Value(default, CountValueKind.Missing);
                continue;
            }

            int length = BinaryPrimitives.ReadInt32LittleEndian(key[at..]);
            visitor.Value(key.Slice(at + 4, length), tag == Json ? CountValueKind.Json : CountValueKind.Text);
            at += 4 + length;
        }
    }

    /// <summary>Whether the first field of <paramref name="key"/> is present and not empty (a user, in a count of users).</summary>
    public static bool FirstIsNonEmpty(ReadOnlySpan<byte> key)
        => key[0] != Missing && BinaryPrimitives.ReadInt32LittleEndian(key[1..]) > 0;

    private int AppendDay(FieldValue time, int at)
    {
        Ensure(at + 5 + 10);
        ReadOnlySpan<byte> text = time.Utf8;
        Span<byte> day = _buffer.AsSpan(at + 5, 10);
        if (time.Kind == JsonTokenType.String && IsUtcIsoTime(text))
        {
            text[..10].CopyTo(day); // edX writes UTC: the date is the first ten characters
        }
        else if (time.Kind == JsonTokenType.String
            && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            parsed.UtcDateTime.TryFormat(day, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        else
        {
            _buffer[at] = Missing;
            return at + 1;
        }

        _buffer[at] = Text;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(at + 1), 10);
        return at + 15;
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss[.ffffff] followed by nothing, Z or +00:00.</summary>
    private static bool IsUtcIsoTime(ReadOnlySpan<byte> t)
    {
        if (t.Length < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' '))
        {
            return false;
        }

        int end = 19;
        if (end < t.Length && t[end] == '.')
        {
            end++;
            while (end < t.Length && (uint)(t[end] - '0') <= 9)
            {
                end++;
            }
        }

        ReadOnlySpan<byte> zone = t[end..];
        return zone.IsEmpty || zone.SequenceEqual("Z"u8) || zone.SequenceEqual("+00:00"u8) || zone.SequenceEqual("+0000"u8);
    }

    private void Ensure(int size)
    {
        if (size > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(size, _buffer.Length * 2));
        }
    }
}
