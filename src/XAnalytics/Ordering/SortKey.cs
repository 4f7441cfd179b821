using System.Buffers.Binary;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Internal;

namespace XAnalytics.Ordering;

/// <summary>
/// An event's sort key as bytes whose plain byte order is the sort's order, so runs are sorted and merged with
/// one <c>SequenceCompareTo</c> per comparison.
/// </summary>
/// <remarks>
/// Per field: a missing or null value is <c>00</c> (first); an integer is <c>01</c> and 8 bytes, big-endian with
/// the sign bit flipped (numeric order: edX's numeric <c>user_id</c>); a string is <c>02</c>, its UTF-8 bytes with
/// <c>00</c> written <c>00 FF</c>, and <c>00 00</c> (so a string sorts before any longer one it starts, and strings
/// compare by code point); any other JSON value is <c>03</c> and its text, escaped the same way. The field
/// <c>time</c> is an instant: <c>01</c> and its UTC ticks big-endian, so <c>...46+00:00</c>, <c>...46.5Z</c> and
/// <c>...46</c> compare as times; an unreadable or missing time is <c>FF</c>, last. After the fields: the input
/// file's index and the line number, so equal keys keep input order and the order is total and the same on any
/// number of threads.
/// </remarks>
internal static class SortKey
{
    private const byte MissingTag = 0x00;
    private const byte IntegerTag = 0x01;
    private const byte StringTag = 0x02;
    private const byte OtherTag = 0x03;
    private const byte TimeTag = 0x01;
    private const byte NoTimeTag = 0xFF;

    /// <summary>What the key of one event said about it.</summary>
    [Flags]
    public enum Notes
    {
        None = 0,

        /// <summary>The first field (the learner) is missing: the event sorts in the first group.</summary>
        NoLearner = 1,

        /// <summary>A <c>time</c> field is missing or unreadable: the event sorts last for its learner.</summary>
        NoTime = 2,
    }

    /// <summary>Whether <paramref name="path"/> is compared as an instant.</summary>
    public static bool IsTime(FieldPath path) => path.Text == "time";

    /// <summary>Appends event <paramref name="index"/>'s key to <paramref name="output"/>.</summary>
    public static Notes Append(EventBatch batch, int index, IReadOnlyList<FieldPath> by, PooledBufferWriter output)
    {
        Notes notes = Notes.None;
        for (int f = 0; f < by.Count; f++)
        {
            FieldPath path = by[f];
            bool found = batch.TryGetField(index, path, out FieldValue value) && !value.IsNull;
            if (IsTime(path))
            {
                if (found && value.Kind == JsonTokenType.String && Utf8Time.TryParseUtcTicks(value.Utf8, out long ticks))
                {
                    Span<byte> time = output.GetSpan(9);
                    time[0] = TimeTag;
                    BinaryPrimitives.WriteInt64BigEndian(time[1..], ticks ^ long.MinValue);
                    output.Advance(9);
                }
                else
                {
                    output.Write([NoTimeTag]);
                    notes |= Notes.NoTime;
                }

                continue;
            }

            if (!found)
            {
                output.Write([MissingTag]);
                notes |= f == 0 ? Notes.NoLearner : Notes.None;
                continue;
            }

            if (value.Kind == JsonTokenType.Number && long.TryParse(value.Utf8, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long number))
            {
                Span<byte> n = output.GetSpan(9);
                n[0] = IntegerTag;
                BinaryPrimitives.WriteInt64BigEndian(n[1..], number ^ long.MinValue);
                output.Advance(9);
                continue;
            }

            bool isString = value.Kind == JsonTokenType.String;
            output.Write([isString ? StringTag : OtherTag]);
            Span<byte> text = output.GetSpan(value.RawJson.Length);
            int length = isString ? value.CopyTo(text) : CopyRaw(value.RawJson, text);
            AppendEscaped(text[..length], output);
        }

        return notes;
    }

    /// <summary>Appends the tie-breaker: file index and line, big-endian.</summary>
    public static void AppendPosition(int fileIndex, long line, PooledBufferWriter output)
    {
        Span<byte> position = output.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(position, fileIndex);
        BinaryPrimitives.WriteInt64BigEndian(position[4..], line);
        output.Advance(12);
    }

    /// <summary>
    /// The length of the key's fields (without the position), so events of one learner (equal first field) or one
    /// group can be told apart: the key up to the end of field <paramref name="fields"/>.
    /// </summary>
    public static int FieldsLength(ReadOnlySpan<byte> key, IReadOnlyList<FieldPath> by, int fields)
    {
        int at = 0;
        for (int f = 0; f < fields; f++)
        {
            byte tag = key[at++];
            if (IsTime(by[f]))
            {
                at += tag == TimeTag ? 8 : 0;
            }
            else if (tag == IntegerTag)
            {
                at += 8;
            }
            else if (tag is StringTag or OtherTag)
            {
                while (!(key[at] == 0 && key[at + 1] == 0))
                {
                    at += key[at] == 0 ? 2 : 1;
                }

                at += 2;
            }
        }

        return at;
    }

    private static int CopyRaw(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        raw.CopyTo(destination);
        return raw.Length;
    }

    /// <summary>
    /// Escapes in place of a copy: the text was staged in the writer's free space, and is rewritten over itself
    /// (an escaped text is never shorter), then ended with <c>00 00</c>.
    /// </summary>
    private static void AppendEscaped(ReadOnlySpan<byte> staged, PooledBufferWriter output)
    {
        int zeros = staged.Count((byte)0);
        if (zeros == 0)
        {
            output.Advance(staged.Length);
            output.Write([0, 0]);
            return;
        }

        byte[] copy = staged.ToArray(); // rare: a NUL inside a value
        Span<byte> target = output.GetSpan(copy.Length + zeros + 2);
        int at = 0;
        foreach (byte b in copy)
        {
            target[at++] = b;
            if (b == 0)
            {
                target[at++] = 0xFF;
            }
        }

        target[at++] = 0;
        target[at++] = 0;
        output.Advance(at);
    }
}
