using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;
using XAnalytics.Internal;

namespace XAnalytics.Formats.Bson;

/// <summary>
/// Checks a BSON document without converting it, and finds fields in a checked one, so a batch read from BSON can
/// stay BSON until something needs its JSON (<see cref="Events.EventBatch"/>): a count or a filter over a BSON copy
/// reads the few fields it needs straight from the documents.
/// </summary>
/// <remarks>
/// <see cref="TryValidate(ReadOnlySpan{byte}, out string)"/> accepts exactly the documents <see cref="BsonDecoder.TryAppendJson"/> converts, with the
/// same reason and detail (a test holds the two to that on damaged documents), so a document that passed can
/// always be converted later. The lookups assume a document that passed.
/// </remarks>
internal static partial class BsonNavigator
{
    private const int MaxDepth = 256;
    private const int MaxMaskedBytes = 256 * 1024; // larger documents (rare) are checked without the byte masks

    /// <summary>Two ulongs per 64 bytes of the document being checked: its NUL bytes, and its bytes above ASCII.</summary>
    [ThreadStatic]
    private static ulong[]? s_masks;

    /// <summary>Set by tests on their thread, to hold the check without masks (large documents) to the same verdicts.</summary>
    [ThreadStatic]
    internal static bool s_withoutMasks;

    /// <summary>The top-level elements of the document last checked on this thread.</summary>
    [ThreadStatic]
    private static TopField[]? s_top;

    /// <summary>Where each open document ends, for <see cref="TryValidateFast"/>'s walk without recursion.</summary>
    [ThreadStatic]
    private static int[]? s_ends;

    /// <summary>Set by tests on their thread, to hold the general check alone to the decoder's verdicts.</summary>
    [ThreadStatic]
    internal static bool s_withoutFastPath;

    /// <summary>
    /// Null when <paramref name="document"/> (exactly one BSON document) is one <see cref="BsonDecoder"/> converts;
    /// else <see cref="BsonRejects.InvalidBson"/> with a data-free <paramref name="detail"/>.
    /// </summary>
    public static string? TryValidate(ReadOnlySpan<byte> document, out string detail) => TryValidate(document, out detail, out _);

    /// <summary>
    /// <see cref="TryValidate(ReadOnlySpan{byte}, out string)"/>, also giving where each top-level element's name and
    /// value stand (<see cref="TopField.KeyOffset"/>, <see cref="TopField.KeyLength"/>,
    /// <see cref="TopField.ValueOffset"/>, <see cref="TopField.ValueLength"/>; the element's type is
    /// the byte before its name), valid until the next check on this thread.
    /// </summary>
    public static string? TryValidate(ReadOnlySpan<byte> document, out string detail, out ReadOnlySpan<TopField> topLevel)
    {
        topLevel = default;
        int topCount = 0;
        TopField[] top = s_top ??= new TopField[64];
        int pos = 0;
        bool utf8 = true;
        byte badType = 0;
        ulong[]? masks = null;
        if (document.Length <= MaxMaskedBytes && !s_withoutMasks && (Vector512.IsHardwareAccelerated || Vector128.IsHardwareAccelerated))
        {
            int blocks = (document.Length + 63) >> 6;
            masks = s_masks is { } m && m.Length >= 2 * blocks ? m : (s_masks = new ulong[Math.Max(2 * blocks, 64)]);
            FindBytes(document, masks);
            if (!s_withoutFastPath && TryValidateFast(document, masks, top, ref topCount))
            {
                return Accepted(document, top, topCount, out detail, out topLevel);
            }

            topCount = 0;
        }

        Fault fault = ValidateDocument(document, ref pos, origin: 0, masks, isArray: false, 0, ref utf8, ref badType, top, ref topCount);
        if (fault != Fault.None)
        {
            detail = Describe(fault, badType);
            return BsonRejects.InvalidBson;
        }

        if (pos != document.Length)
        {
            detail = "bytes after the end of the document";
            return BsonRejects.InvalidBson;
        }

        if (!utf8)
        {
            // Reported last, as the decoder does: it checks the UTF-8 of the whole JSON once it is written.
            detail = "a name or string that is not UTF-8";
            return BsonRejects.InvalidBson;
        }

        return Accepted(document, top, topCount, out detail, out topLevel);
    }

    private static string? Accepted(ReadOnlySpan<byte> document, TopField[] top, int topCount, out string detail, out ReadOnlySpan<TopField> topLevel)
    {
        if (topCount > top.Length)
        {
            // More top-level elements than the buffer held (counted on, not recorded): a larger one, filled again.
            s_top = top = new TopField[topCount];
            IndexTopLevel(document, top);
        }

        detail = string.Empty;
        topLevel = top.AsSpan(0, topCount);
        return null;
    }

    /// <summary>
    /// The check of a document with its byte masks, in one loop without recursion: nested documents are entered and
    /// left with a stack of where each ends, so the position and the current end stay in registers (the recursive
    /// check keeps its position in memory, as it passes it by reference, and spills most of its eleven arguments).
    /// True when the document is good, with its top-level elements recorded as <see cref="ValidateDocument"/>
    /// records them; false at anything out of the ordinary (a fault, a name or string that is not UTF-8, a regular
    /// expression, nesting past the limit), which then goes to the general check for its verdict and detail, so the
    /// two cannot disagree: this one accepts only documents whose every name and string is UTF-8, a subset of what
    /// the general check accepts. Every read is at a position the checks before it bound below the end of the
    /// document that holds it.
    /// </summary>
    private static bool TryValidateFast(ReadOnlySpan<byte> document, ulong[] masks, Span<TopField> top, ref int topCount)
    {
        int n = document.Length;
        if (n < 5 || BinaryPrimitives.ReadInt32LittleEndian(document) != n || document[n - 1] != 0)
        {
            return false;
        }

        int[] ends = s_ends ??= new int[MaxDepth + 1];
        int depth = 0;
        int end = n - 1; // where the innermost open document's closing NUL stands
        int at = 4;
        while (true)
        {
            if (at == end)
            {
                if (depth == 0)
                {
                    return true;
                }

                at = end + 1;
                end = ends[--depth];
                continue;
            }

            byte type = document[at];
            int nameAt = at + 1;
            int nul = BlockMasks.NextSet(masks, 2, 0, nameAt, end);
            if (nul < 0)
            {
                return false;
            }

            if (AnyAbove(masks, nameAt, nul) && !Utf8.IsValid(document[nameAt..nul]))
            {
                return false;
            }

            int valueAt = nul + 1;
            int left = end - valueAt;
            int size;
            switch (type)
            {
                case 0x02:
                case 0x0D:
                case 0x0E:
                    if (left < 4)
                    {
                        return false;
                    }

                    int stringLength = BinaryPrimitives.ReadInt32LittleEndian(document[valueAt..]);
                    if (stringLength < 1 || stringLength > left - 4 || document[valueAt + 3 + stringLength] != 0
                        || (AnyAbove(masks, valueAt + 4, valueAt + 3 + stringLength) && !Utf8.IsValid(document.Slice(valueAt + 4, stringLength - 1))))
                    {
                        return false;
                    }

                    size = 4 + stringLength;
                    break;
                case 0x03:
                case 0x04:
                    if (left < 5 || depth == MaxDepth)
                    {
                        return false;
                    }

                    int length = BinaryPrimitives.ReadInt32LittleEndian(document[valueAt..]);
                    if (length < 5 || length > left || document[valueAt + length - 1] != 0)
                    {
                        return false;
                    }

                    if (depth == 0)
                    {
                        Record(top, ref topCount, nameAt, valueAt, length);
                    }

                    ends[depth++] = end;
                    end = valueAt + length - 1;
                    at = valueAt + 4;
                    continue;
                default:
                    if (!TryPlainSize(type, document.Slice(valueAt, left), out size))
                    {
                        return false;
                    }

                    break;
            }

            if (left < size)
            {
                return false;
            }

            if (depth == 0)
            {
                Record(top, ref topCount, nameAt, valueAt, size);
            }

            at = valueAt + size;
        }
    }

    /// <summary>
    /// Finds the element <paramref name="name"/> among the top-level elements of <paramref name="document"/> (a
    /// checked document, length prefix included). With a repeated name the last one wins, as in the JSON index.
    /// </summary>
    /// <param name="document">The document.</param>
    /// <param name="name">The element name, as UTF-8.</param>
    /// <param name="type">The element's BSON type.</param>
    /// <param name="valueAt">Where its value starts in <paramref name="document"/>.</param>
    public static bool TryFind(ReadOnlySpan<byte> document, ReadOnlySpan<byte> name, out byte type, out int valueAt)
    {
        type = 0;
        valueAt = -1;
        if (document.Length < 5)
        {
            return false;
        }

        // Every step is checked against the document's end, though a checked document never fails one: a document
        // indexed on its part's hash (a forged manifest) can be damaged inside, and then reads as not holding the name.
        int end = Math.Min(BinaryPrimitives.ReadInt32LittleEndian(document), document.Length) - 1;
        int at = 4;
        while (at < end)
        {
            byte t = document[at];
            int nameAt = at + 1;
            int nul = NameEnd(document[..end], nameAt, out _);
            if (nul < 0)
            {
                break;
            }

            int elementValueAt = nul + 1;
            int left = end - elementValueAt;
            if (t is 0x02 or 0x0D or 0x0E or 0x03 or 0x04 or 0x05
                && (left < 5 || BinaryPrimitives.ReadInt32LittleEndian(document[elementValueAt..]) < t switch { 0x03 or 0x04 => 5, 0x05 => 0, _ => 1 }))
            {
                break;
            }

            int size = ValueSize(t, document[..end], elementValueAt);
            if (size < 0 || size > left)
            {
                break;
            }

            at = elementValueAt + size;
            int nameLength = elementValueAt - 1 - nameAt;
            if (nameLength == name.Length && (name.IsEmpty || document[nameAt] == name[0]) && document.Slice(nameAt, nameLength).SequenceEqual(name))
            {
                type = t;
                valueAt = elementValueAt;
            }
        }

        return valueAt >= 0;
    }

    /// <summary>
    /// Steps over the element of a checked document whose type byte is at <paramref name="at"/>: gives its type,
    /// where its name starts and where its value starts (the name ends with the NUL before it), and moves
    /// <paramref name="at"/> past the value.
    /// </summary>
    private static void NextElement(ReadOnlySpan<byte> document, ref int at, out byte type, out int nameAt, out int valueAt)
    {
        type = document[at];
        nameAt = at + 1;
        valueAt = NameEnd(document, nameAt, out _) + 1;
        at = valueAt + ValueSize(type, document, valueAt);
    }

    /// <summary>The bytes a value of a checked document takes.</summary>
    public static int ValueSize(byte type, ReadOnlySpan<byte> doc, int at) => type switch
    {
        0x01 or 0x09 or 0x11 or 0x12 => 8,
        0x02 or 0x0D or 0x0E => 4 + BinaryPrimitives.ReadInt32LittleEndian(doc[at..]),
        0x03 or 0x04 => BinaryPrimitives.ReadInt32LittleEndian(doc[at..]),
        0x05 => 5 + BinaryPrimitives.ReadInt32LittleEndian(doc[at..]),
        0x07 => 12,
        0x08 => 1,
        0x0B => CStringPairSize(doc[at..]),
        0x10 => 4,
        0x13 => 16,
        _ => 0, // 0x06 undefined, 0x0A null, 0x7F max key, 0xFF min key
    };

    private static int CStringPairSize(ReadOnlySpan<byte> value)
    {
        int first = value.IndexOf((byte)0) + 1;
        return first + value[first..].IndexOf((byte)0) + 1;
    }

    /// <summary>What is wrong with a document, as a code: the walk stores no string per element (an out string is
    /// a write barrier each time), and <see cref="Describe"/> gives the decoder's words at the end.</summary>
    private enum Fault : byte
    {
        None,
        TooDeep,
        TooShort,
        BadLength,
        NameWithoutEnd,
        PastEnd,
        StringPastEnd,
        UnknownType,
    }

    private static string Describe(Fault fault, byte type) => fault switch
    {
        Fault.TooDeep => $"nested more than {MaxDepth} deep",
        Fault.TooShort => "a document shorter than 5 bytes",
        Fault.BadLength => "a nested document whose length prefix does not match its bytes",
        Fault.NameWithoutEnd => "an element name without its end",
        Fault.StringPastEnd => "a string that runs past the end of its document",
        Fault.UnknownType => $"BSON type 0x{type:x2}, which has no JSON form here",
        _ => "an element that runs past the end of its document",
    };

    /// <summary>
    /// Checks the document at <paramref name="pos"/> of <paramref name="bson"/>, which starts at byte
    /// <paramref name="origin"/> of the top-level document that <paramref name="masks"/> (when not null) describe.
    /// </summary>
    /// At depth 0 it records the top-level elements in <paramref name="top"/> and counts them in <paramref name="topCount"/>,
    /// on past the buffer's end.
    private static Fault ValidateDocument(
        ReadOnlySpan<byte> bson, ref int pos, int origin, ulong[]? masks, bool isArray, int depth, ref bool utf8, ref byte badType, Span<TopField> top, ref int topCount)
    {
        if (depth > MaxDepth)
        {
            return Fault.TooDeep;
        }

        if (bson.Length - pos < 5)
        {
            return Fault.TooShort;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(bson[pos..]);
        if (length < 5 || length > bson.Length - pos || bson[pos + length - 1] != 0)
        {
            return Fault.BadLength;
        }

        ReadOnlySpan<byte> doc = bson.Slice(pos, length - 1);
        int start = origin + pos; // where doc starts in the top-level document
        int at = 4;
        while (at < doc.Length)
        {
            byte type = doc[at++];

            int nameAt = at;
            bool nonAscii;
            at = masks is null ? NameEnd(doc, at, out nonAscii) : NameEnd(masks, start, doc.Length, at, out nonAscii);
            if (at < 0)
            {
                return Fault.NameWithoutEnd;
            }

            if (nonAscii && !isArray && utf8)
            {
                // Array indexes are not written to JSON, so only object names count (as in the decoder).
                utf8 = Utf8.IsValid(doc[nameAt..at]);
            }

            at++;
            int left = doc.Length - at;
            int size;
            switch (type)
            {
                case 0x02:
                case 0x0D:
                case 0x0E:
                    if (left < 4)
                    {
                        return Fault.StringPastEnd;
                    }

                    int stringLength = BinaryPrimitives.ReadInt32LittleEndian(doc[at..]);
                    if (stringLength < 1 || stringLength > left - 4 || doc[at + 3 + stringLength] != 0)
                    {
                        return Fault.StringPastEnd;
                    }

                    utf8 = utf8 && (masks is null
                        ? IsUtf8(doc.Slice(at + 4, stringLength - 1))
                        : !AnyAbove(masks, start + at + 4, start + at + 3 + stringLength) || Utf8.IsValid(doc.Slice(at + 4, stringLength - 1)));
                    size = 4 + stringLength;
                    break;
                case 0x03:
                case 0x04:
                    int valueAt = at;
                    int unused = 0;
                    Fault inner = ValidateDocument(doc, ref at, start, masks, type == 0x04, depth + 1, ref utf8, ref badType, default, ref unused);
                    if (inner != Fault.None)
                    {
                        return inner;
                    }

                    if (depth == 0)
                    {
                        Record(top, ref topCount, nameAt, valueAt, at - valueAt);
                    }

                    continue;
                case 0x05:
                    if (left < 5)
                    {
                        return Fault.PastEnd;
                    }

                    int binaryLength = BinaryPrimitives.ReadInt32LittleEndian(doc[at..]);
                    if (binaryLength < 0 || binaryLength > left - 5)
                    {
                        return Fault.PastEnd;
                    }

                    size = 5 + binaryLength;
                    break;
                case 0x0B:
                    int patternEnd = doc[at..].IndexOf((byte)0);
                    int optionsEnd = patternEnd < 0 ? -1 : doc[(at + patternEnd + 1)..].IndexOf((byte)0);
                    if (optionsEnd < 0)
                    {
                        return Fault.PastEnd;
                    }

                    utf8 = utf8 && Utf8.IsValid(doc.Slice(at, patternEnd)) && Utf8.IsValid(doc.Slice(at + patternEnd + 1, optionsEnd));
                    size = patternEnd + 1 + optionsEnd + 1;
                    break;
                case 0x01 or 0x09 or 0x11 or 0x12:
                    size = 8;
                    break;
                case 0x07:
                    size = 12;
                    break;
                case 0x08:
                    size = 1;
                    break;
                case 0x10:
                    size = 4;
                    break;
                case 0x13:
                    size = 16;
                    break;
                case 0x06 or 0x0A or 0x7F or 0xFF:
                    size = 0;
                    break;
                default:
                    badType = type;
                    return Fault.UnknownType;
            }

            if (left < size)
            {
                return Fault.PastEnd;
            }

            if (depth == 0)
            {
                Record(top, ref topCount, nameAt, at, size);
            }

            at += size;
        }

        if (at != doc.Length)
        {
            return Fault.PastEnd;
        }

        pos += length;
        return Fault.None;
    }

    /// <summary>
    /// The size of a value with neither text nor nesting (binary, and the fixed-size types) at the start of
    /// <paramref name="value"/> (the bytes left in its document); false for a binary length past them, a regular
    /// expression (0x0B), or a type with no JSON form. Shared by the full check and the index on trust.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryPlainSize(byte type, ReadOnlySpan<byte> value, out int size)
    {
        switch (type)
        {
            case 0x05:
                size = 0;
                if (value.Length < 5)
                {
                    return false;
                }

                int binaryLength = BinaryPrimitives.ReadInt32LittleEndian(value);
                if (binaryLength < 0 || binaryLength > value.Length - 5)
                {
                    return false;
                }

                size = 5 + binaryLength;
                return true;
            case 0x01 or 0x09 or 0x11 or 0x12:
                size = 8;
                return true;
            case 0x07:
                size = 12;
                return true;
            case 0x08:
                size = 1;
                return true;
            case 0x10:
                size = 4;
                return true;
            case 0x13:
                size = 16;
                return true;
            case 0x06 or 0x0A or 0x7F or 0xFF:
                size = 0;
                return true;
            default:
                size = 0;
                return false;
        }
    }

    /// <summary>
    /// Notes a top-level element (its name ends with the NUL before <paramref name="valueAt"/>). The other fields of
    /// a <see cref="TopField"/> are never written here, so they keep their defaults: <c>KeyEscaped</c> false,
    /// as a BSON name is its text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Record(Span<TopField> top, ref int topCount, int nameAt, int valueAt, int size)
    {
        if ((uint)topCount < (uint)top.Length)
        {
            ref TopField field = ref top[topCount];
            field.KeyOffset = nameAt;
            field.KeyLength = valueAt - 1 - nameAt;
            field.ValueOffset = valueAt;
            field.ValueLength = size;
        }

        topCount++;
    }

    /// <summary>Records the top-level elements of a checked document (when they outnumbered the buffer).</summary>
    private static void IndexTopLevel(ReadOnlySpan<byte> document, Span<TopField> top)
    {
        int end = document.Length - 1;
        int at = 4;
        int count = 0;
        while (at < end)
        {
            NextElement(document, ref at, out _, out int nameAt, out int valueAt);
            Record(top, ref count, nameAt, valueAt, at - valueAt);
        }
    }

    /// <summary>
    /// Fills two masks per 64 bytes of <paramref name="document"/>: its NUL bytes and its bytes above ASCII, so the
    /// check finds the end of each name and settles each ASCII string with a few bit operations instead of reading
    /// their bytes. Names and strings were more than half of the check's time (perf, BSON count over 3M events).
    /// </summary>
    private static void FindBytes(ReadOnlySpan<byte> document, ulong[] masks)
    {
        Span<byte> tail = stackalloc byte[64];
        int blocks = (document.Length + 63) >> 6;
        for (int b = 0; b < blocks; b++)
        {
            // Bytes past the document's end are neither NUL nor above ASCII.
            Classify(ref BlockMasks.Block(document, b, tail, 1, out int shift), out ulong zeros, out ulong highs);
            masks[2 * b] = zeros >> shift;
            masks[(2 * b) + 1] = highs >> shift;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(ref byte block, out ulong zeros, out ulong highs)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> v = Vector512.LoadUnsafe(ref block);
            zeros = Vector512.Equals(v, Vector512<byte>.Zero).ExtractMostSignificantBits();
            highs = v.ExtractMostSignificantBits();
            return;
        }

        zeros = highs = 0;
        for (int q = 0; q < 4; q++)
        {
            Vector128<byte> v = Vector128.LoadUnsafe(ref block, (nuint)(q * 16));
            zeros |= (ulong)Vector128.Equals(v, Vector128<byte>.Zero).ExtractMostSignificantBits() << (q * 16);
            highs |= (ulong)v.ExtractMostSignificantBits() << (q * 16);
        }
    }

    /// <summary>
    /// <see cref="NameEnd(ReadOnlySpan{byte}, int, out bool)"/> read from the masks: <paramref name="at"/> and the
    /// result are offsets in the document of <paramref name="length"/> bytes at <paramref name="start"/>. A NUL past
    /// the document's end belongs to an enclosing document: none found.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NameEnd(ulong[] masks, int start, int length, int at, out bool nonAscii)
    {
        int nul = BlockMasks.NextSet(masks, 2, 0, start + at, start + length);
        nonAscii = nul >= 0 && AnyAbove(masks, start + at, nul);
        return nul < 0 ? -1 : nul - start;
    }

    /// <summary>True when a byte in [<paramref name="from"/>, <paramref name="to"/>) is above ASCII.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyAbove(ulong[] masks, int from, int to) => BlockMasks.AnySet(masks, 2, 1, from, to);

    private const ulong Ones = 0x0101010101010101UL;
    private const ulong Highs = 0x8080808080808080UL;

    /// <summary>
    /// Where the NUL that ends the name at <paramref name="at"/> stands (-1 when the document has none), and whether
    /// the name has a byte above ASCII. Names are short: eight bytes at a time in a register (the lowest zero byte of
    /// a word is found exactly by the borrow trick) beats a byte loop and a vectorised search's set-up.
    /// </summary>
    private static int NameEnd(ReadOnlySpan<byte> doc, int at, out bool nonAscii)
    {
        ulong seen = 0;
        while (doc.Length - at >= 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(doc[at..]);
            ulong zeros = (word - Ones) & ~word & Highs;
            if (zeros != 0)
            {
                int k = BitOperations.TrailingZeroCount(zeros) >> 3;
                seen |= k == 0 ? 0 : word & (ulong.MaxValue >> (64 - (8 * k)));
                nonAscii = (seen & Highs) != 0;
                return at + k;
            }

            seen |= word;
            at += 8;
        }

        for (; at < doc.Length; at++)
        {
            byte b = doc[at];
            if (b == 0)
            {
                nonAscii = (seen & Highs) != 0;
                return at;
            }

            seen |= b;
        }

        nonAscii = (seen & Highs) != 0;
        return -1;
    }

    /// <summary>Utf8.IsValid, with short strings (most values of an event) checked for ASCII in a plain loop first.</summary>
    private static bool IsUtf8(ReadOnlySpan<byte> text)
    {
        // ASCII (nearly every string of an event) is settled with two overlapping loads for up to 64 bytes; only
        // the rest pays for a call to Utf8.IsValid.
        int n = text.Length;
        bool ascii;
        if (n >= 32 && n <= 64)
        {
            ascii = (Vector256.Create(text) | Vector256.Create(text[(n - 32)..])).ExtractMostSignificantBits() == 0;
        }
        else if (n >= 16 && n < 32)
        {
            ascii = (Vector128.Create(text) | Vector128.Create(text[(n - 16)..])).ExtractMostSignificantBits() == 0;
        }
        else if (n >= 8 && n < 16)
        {
            ascii = ((BinaryPrimitives.ReadUInt64LittleEndian(text) | BinaryPrimitives.ReadUInt64LittleEndian(text[(n - 8)..])) & Highs) == 0;
        }
        else if (n < 8)
        {
            ulong high = 0;
            foreach (byte b in text)
            {
                high |= b;
            }

            ascii = high < 0x80;
        }
        else
        {
            ascii = false;
        }

        return ascii || Utf8.IsValid(text);
    }
}
