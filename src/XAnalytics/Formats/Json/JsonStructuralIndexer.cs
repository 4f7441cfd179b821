using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using XAnalytics.Internal;

namespace XAnalytics.Formats.Json;

/// <summary>
/// The fast path of <see cref="EventIndexer"/>: validates a JSON object and indexes its top-level fields from bit
/// masks of 64 bytes at a time, then walks only the structural characters (simdjson's two stages), instead of
/// reading every token with <see cref="Utf8JsonReader"/>.
/// </summary>
/// <remarks>
/// <para>
/// It answers "valid, with this layout" or "not sure", never "invalid": a line it turns down is read again by
/// <see cref="Utf8JsonReader"/>, which gives the verdict and the reason. So it may turn down what it likes (nesting
/// deeper than 63, a machine without vector hardware) and costs nothing in correctness when it does, but what it
/// accepts <see cref="Utf8JsonReader"/> must accept, with the same layout. A differential test over mutated events
/// holds it to that, and the test assembly checks every line the fast path accepts against the reader.
/// </para>
/// <para>
/// Stage 1, per 64 bytes: masks of quotes, backslashes, white space, control bytes, bytes above ASCII and the six
/// structural bytes; from them which quotes are escaped (by the parity of the backslash run before them, across
/// blocks), which bytes are inside strings (a prefix XOR of the real quotes), and so the positions where a token
/// starts: a structural byte or an opening quote outside strings, or the first byte of a number or literal. Control
/// bytes inside strings and escapes other than <c>\" \\ \/ \b \f \n \r \t \uXXXX</c> are refused here. Stage 2 walks
/// the token starts in the grammar's shape, with a bit stack of open containers, checks numbers and literals byte by
/// byte, and records the top-level fields; string ends and escape flags come from the masks. UTF-8 is left to the
/// caller, who needs to check it only when a byte is above ASCII.
/// </para>
/// <para>
/// On the README's micro-benchmark sample an event is indexed in about 340 ns, where <see cref="Utf8JsonReader"/>
/// alone takes 520 to 600 (ParseBenchmarks).
/// </para>
/// </remarks>
internal static class JsonStructuralIndexer
{
    private const int MaxDepth = 63; // the bit stack of open containers is one ulong
    private const int MaxBlocks = 4096; // lines over 256 KiB (rare) go to the reader rather than grow the masks
    private const ulong EvenBits = 0x5555_5555_5555_5555;
    private const ulong OddBits = 0xAAAA_AAAA_AAAA_AAAA;

    /// <summary>White space by its low nibble: ' ' at 0, '\t' at 9, '\n' at 10, '\r' at 13; 0 elsewhere, which only a byte with low nibble 0 could equal, and there the table holds ' '.</summary>
    private static readonly Vector512<byte> s_spaceTable = LaneTable([(byte)' ', 0, 0, 0, 0, 0, 0, 0, 0, (byte)'\t', (byte)'\n', 0, 0, (byte)'\r', 0, 0]);

    /// <summary>Structural bytes with bit 5 set, by low nibble: ':' at 10, '{' at 11, ',' at 12, '}' at 13; 0 elsewhere, which no byte with bit 5 set equals.</summary>
    private static readonly Vector512<byte> s_structuralTable = LaneTable([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)':', (byte)'{', (byte)',', (byte)'}', 0, 0]);

    /// <summary>Token starts, closing quotes and backslashes: three ulongs per 64-byte block of the line being indexed.</summary>
    [ThreadStatic]
    private static ulong[]? s_masks;

    /// <summary>False where 64 bytes cannot be classified with vector instructions: every line then goes to the reader.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated || Vector128.IsHardwareAccelerated;

    /// <summary>
    /// Validates <paramref name="json"/> (one JSON object, its first byte <c>{</c>, valid UTF-8) and indexes its
    /// top-level fields into <paramref name="fields"/> (grown when needed), their offsets shifted by
    /// <paramref name="offset"/>. False means "not sure": the caller must ask <see cref="Utf8JsonReader"/>.
    /// <paramref name="ascii"/> tells whether every byte is ASCII; when not, the caller must still check UTF-8.
    /// </summary>
    public static bool TryIndex(ReadOnlySpan<byte> json, int offset, ref TopField[] fields, out int fieldCount, out bool ascii)
    {
        ContextIndex none = default;
        return TryIndex(json, offset, ref fields, out fieldCount, out ascii, ref none);
    }

    /// <summary>
    /// <see cref="TryIndex(ReadOnlySpan{byte}, int, ref TopField[], out int, out bool)"/>, and the members of the
    /// top-level <c>context</c> object into <paramref name="context"/> when its buffer is given (see
    /// <see cref="ContextIndex"/>): the walk passes over them anyway, and every report reads two of them.
    /// </summary>
    public static bool TryIndex(ReadOnlySpan<byte> json, int offset, ref TopField[] fields, out int fieldCount, out bool ascii, ref ContextIndex context)
    {
        fieldCount = 0;
        ascii = false;
        context.Field = -1;
        context.Count = 0;
        if (!IsSupported || json.IsEmpty)
        {
            return false;
        }

        int blocks = (json.Length + 63) >> 6;
        if (blocks > MaxBlocks)
        {
            return false;
        }

        ulong[] masks = s_masks is { } m && m.Length >= 3 * blocks ? m : (s_masks = new ulong[Math.Max(3 * blocks, 96)]);
        if (!FindTokens(json, masks, out ascii) || (fieldCount = context.Members is null ? Walk<SkipContext>(json, masks, blocks, ref fields, ref context) : Walk<RecordContext>(json, masks, blocks, ref fields, ref context)) < 0)
        {
            fieldCount = 0;
            context.Field = -1;
            context.Count = 0;
            return false;
        }

        if (offset != 0)
        {
            // Only after a byte-order mark or leading blanks: lines start with '{' nearly always.
            for (int k = 0; k < fieldCount; k++)
            {
                fields[k].KeyOffset += offset;
                fields[k].ValueOffset += offset;
            }

            for (int k = 0; k < context.Count; k++)
            {
                context.Members![k].KeyOffset += offset;
                context.Members[k].ValueOffset += offset;
            }
        }

        return true;
    }

    /// <summary>Stage 1: fills three masks per block (token starts, closing quotes, backslashes); false on a lexical fault.</summary>
    // Both stages stay out of line: inlined into TryIndex by profile-guided tiering, they measured 490-500 ns per
    // event instead of 335 (BenchmarkDotNet, ParseBenchmarks, in and out of process).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool FindTokens(ReadOnlySpan<byte> json, ulong[] masks, out bool ascii)
    {
        ascii = false;
        ulong high = 0; // bytes of 0x80 and above
        ulong escapedCarry = 0; // 1 when the block's first byte is escaped by a backslash run before it
        ulong inStringCarry = 0; // all ones when the block starts inside a string
        ulong scalarCarry = 0; // 1 when the block's first byte continues a number or literal
        Span<byte> tail = stackalloc byte[64];
        int blocks = (json.Length + 63) >> 6;
        for (int b = 0; b < blocks; b++)
        {
            // Bytes past the line's end count as spaces, which are never tokens.
            scoped ref byte load = ref BlockMasks.Block(json, b, tail, (byte)' ', out int shift);
            Classify(ref load, out ulong backslash, out ulong quote, out ulong space, out ulong op, out ulong control, out ulong nonAscii);
            if (shift != 0)
            {
                backslash >>= shift;
                quote >>= shift;
                op >>= shift;
                control >>= shift;
                nonAscii >>= shift;
                space = (space >> shift) | (ulong.MaxValue << (64 - shift));
            }

            high |= nonAscii;

            ulong escaped = 0;
            if ((backslash | escapedCarry) != 0)
            {
                // A run of backslashes escapes the byte after it when the run is odd; the run's first backslash is
                // never escaped itself (a first byte escaped by the block before is a literal, taken out). Adding
                // a run's first bit to the run carries to the byte after it, so runs starting at even and at odd
                // positions are added apart and their ends kept where the parity says odd length.
                ulong runs = backslash & ~escapedCarry;
                ulong starts = runs & ~(runs << 1);
                ulong endsOfEven = (runs + (starts & EvenBits)) & ~runs;
                ulong endsOfOdd = (runs + (starts & OddBits)) & ~runs;
                escaped = (endsOfEven & OddBits) | (endsOfOdd & EvenBits) | escapedCarry;

                // A run reaching the block's end escapes the next block's first byte when its length is odd.
                escapedCarry = (ulong)BitOperations.LeadingZeroCount(~runs) & 1;
                if ((escaped & ~backslash) != 0)
                {
                    // Every escaped byte must be one JSON allows after a backslash (bytes past the line's end are
                    // not), and each \u must have four hex digits.
                    EscapeBytes(ref load, out ulong allowed, out ulong u);
                    allowed = (allowed >> shift) | quote;
                    if ((escaped & ~backslash & ~allowed) != 0 || ((escaped & (u >> shift)) != 0 && !HexFollows(json, escaped & (u >> shift), b << 6)))
                    {
                        return false;
                    }
                }
            }

            ulong realQuotes = quote & ~escaped;
            ulong inString = PrefixXor(realQuotes) ^ inStringCarry; // opening quote in, closing quote out
            inStringCarry = (ulong)((long)inString >> 63);
            if ((control & inString) != 0)
            {
                return false; // a raw control byte (tab included) inside a string
            }

            ulong outside = ~inString;
            ulong scalar = ~(op | space | realQuotes) & outside; // bytes of numbers and literals, or of junk
            ulong tokens = (op & outside) | (realQuotes & inString) | (scalar & ~((scalar << 1) | scalarCarry));
            scalarCarry = scalar >> 63;
            masks[3 * b] = tokens;
            masks[(3 * b) + 1] = realQuotes & outside;
            masks[(3 * b) + 2] = backslash;
        }

        ascii = high == 0;
        return inStringCarry == 0; // a string left open
    }

    /// <summary>
    /// Stage 2: the grammar over the token starts, recording the root object's fields. It follows the grammar's
    /// shape (a key, its colon, a value; then a comma or the container's close) instead of running one state machine
    /// over every token, so the only branches the processor must guess are which value comes and what follows it.
    /// </summary>
    /// <returns>The number of top-level fields, or -1 when the line is not sure to be valid.</returns>
    // Jitted at its first call rather than precompiled: the tool's ReadyToRun code targets the baseline x64 ISA (no
    // BMI1, so no tzcnt or blsr for the token masks) and was run for most of a count before tiering replaced it. A
    // count over the 1M archive took 1.19 s of CPU against 1.21, 16 runs alternating, in both orders.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Walk<TContext>(ReadOnlySpan<byte> json, ulong[] masks, int blocks, ref TopField[] fields, ref ContextIndex context)
        where TContext : struct, IContextPolicy
    {
        int count = 0; // the last field recorded is the one whose value comes next
        bool contextKey = false; // the top-level key just read is "context"
        bool inContext = false; // walking the members of the top-level context object
        var tokens = new TokenCursor(masks, blocks);
        ref byte text = ref MemoryMarshal.GetReference(json);
        int depth = 1; // the root object, whose '{' (json[0], checked by the caller) is the first token
        ulong arrays = 0; // bit d set when the container at depth d + 1 is an array
        int at;
        tokens.Next(out _);

    ObjectStart:
        if (!tokens.Next(out at))
        {
            return -1;
        }

        if (Unsafe.Add(ref text, at) == (byte)'}')
        {
            goto Close;
        }

    Key:
        if (Unsafe.Add(ref text, at) != (byte)'"')
        {
            return -1;
        }

        if (depth == 1)
        {
            int close = ClosingQuote(masks, at);
            if (count == fields.Length)
            {
                Array.Resize(ref fields, fields.Length * 2);
            }

            ref TopField field = ref fields[count++];
            field.KeyOffset = at + 1;
            field.KeyLength = close - at - 1;
            field.KeyEscaped = HasBackslash(masks, at, close);
            field.ValueEscaped = false;
            contextKey = default(TContext).Records && field.KeyLength == 7 && !field.KeyEscaped && json.Slice(at + 1, 7).SequenceEqual("context"u8);
        }
        else if (default(TContext).Records && inContext && depth == 2)
        {
            int close = ClosingQuote(masks, at);
            if (context.Count == context.Members!.Length)
            {
                Array.Resize(ref context.Members, context.Members.Length * 2);
            }

            ref TopField member = ref context.Members[context.Count++];
            member.KeyOffset = at + 1;
            member.KeyLength = close - at - 1;
            member.KeyEscaped = HasBackslash(masks, at, close);
            member.ValueEscaped = false;
        }

        if (!tokens.Next(out at) || Unsafe.Add(ref text, at) != (byte)':' || !tokens.Next(out at))
        {
            return -1;
        }

    Value:
        switch (Unsafe.Add(ref text, at))
        {
            case (byte)'"':
                if (depth == 1)
                {
                    int close = ClosingQuote(masks, at);
                    ref TopField field = ref fields[count - 1];
                    field.Kind = JsonTokenType.String;
                    field.ValueOffset = at;
                    field.ValueLength = close - at + 1;
                    field.ValueEscaped = HasBackslash(masks, at, close);
                }
                else if (default(TContext).Records && inContext && depth == 2)
                {
                    int close = ClosingQuote(masks, at);
                    ref TopField member = ref context.Members![context.Count - 1];
                    member.Kind = JsonTokenType.String;
                    member.ValueOffset = at;
                    member.ValueLength = close - at + 1;
                    member.ValueEscaped = HasBackslash(masks, at, close);
                }

                break;

            case (byte)'{':
                if (depth == MaxDepth)
                {
                    return -1;
                }

                if (depth == 1)
                {
                    fields[count - 1].Kind = JsonTokenType.StartObject;
                    fields[count - 1].ValueOffset = at;
                    if (contextKey)
                    {
                        // A repeated "context" key: the last one's members are the ones kept, as its value is.
                        inContext = true;
                        context.Field = count - 1;
                        context.Count = 0;
                    }
                }
                else if (default(TContext).Records && inContext && depth == 2)
                {
                    context.Members![context.Count - 1].Kind = JsonTokenType.StartObject;
                    context.Members[context.Count - 1].ValueOffset = at;
                }

                arrays &= ~(1UL << depth);
                depth++;
                goto ObjectStart;

            case (byte)'[':
                if (depth == MaxDepth)
                {
                    return -1;
                }

                if (depth == 1)
                {
                    fields[count - 1].Kind = JsonTokenType.StartArray;
                    fields[count - 1].ValueOffset = at;
                }
                else if (default(TContext).Records && inContext && depth == 2)
                {
                    context.Members![context.Count - 1].Kind = JsonTokenType.StartArray;
                    context.Members[context.Count - 1].ValueOffset = at;
                }

                arrays |= 1UL << depth;
                depth++;
                if (!tokens.Next(out at))
                {
                    return -1;
                }

                if (Unsafe.Add(ref text, at) == (byte)']')
                {
                    goto Close;
                }

                goto Value;

            default:
                // A number or literal; any other byte here (a stray ',', ':' or close) fails its check.
                int end = ScalarEnd(json, at, out JsonTokenType kind);
                if (end < 0)
                {
                    return -1;
                }

                if (depth == 1)
                {
                    ref TopField field = ref fields[count - 1];
                    field.Kind = kind;
                    field.ValueOffset = at;
                    field.ValueLength = end - at;
                }
                else if (default(TContext).Records && inContext && depth == 2)
                {
                    ref TopField member = ref context.Members![context.Count - 1];
                    member.Kind = kind;
                    member.ValueOffset = at;
                    member.ValueLength = end - at;
                }

                break;
        }

    AfterValue:
        if (!tokens.Next(out at))
        {
            return -1;
        }

        if (Unsafe.Add(ref text, at) == (byte)',')
        {
            if (!tokens.Next(out at))
            {
                return -1;
            }

            if ((arrays & (1UL << (depth - 1))) != 0)
            {
                goto Value;
            }

            goto Key;
        }

    Close:
        if (Unsafe.Add(ref text, at) != ((arrays & (1UL << (depth - 1))) != 0 ? (byte)']' : (byte)'}'))
        {
            return -1;
        }

        depth--;
        if (depth == 1)
        {
            fields[count - 1].ValueLength = at + 1 - fields[count - 1].ValueOffset;
            if (default(TContext).Records)
            {
                inContext = false;
            }
        }
        else if (default(TContext).Records && inContext && depth == 2)
        {
            context.Members![context.Count - 1].ValueLength = at + 1 - context.Members[context.Count - 1].ValueOffset;
        }
        else if (depth == 0)
        {
            return tokens.Next(out _) ? -1 : count; // the root is closed: only white space may follow
        }

        goto AfterValue;
    }

    /// <summary>
    /// Whether <see cref="Walk"/> records the context's members: a type argument, so the walk that does not (every
    /// object but an event's top level) is compiled without the checks, as fast as before there were any.
    /// </summary>
    private interface IContextPolicy
    {
        bool Records { get; }
    }

    private readonly struct SkipContext : IContextPolicy
    {
        public bool Records => false;
    }

    private readonly struct RecordContext : IContextPolicy
    {
        public bool Records => true;
    }

    /// <summary>Hands out the token starts of stage 1 in order.</summary>
    private ref struct TokenCursor
    {
        private readonly ulong[] _masks;
        private readonly int _blocks;
        private int _block;
        private ulong _bits;

        public TokenCursor(ulong[] masks, int blocks)
        {
            _masks = masks;
            _blocks = blocks;
            _bits = masks[0];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Next(out int at)
        {
            while (_bits == 0)
            {
                if (++_block == _blocks)
                {
                    at = 0;
                    return false;
                }

                _bits = _masks[3 * _block];
            }

            at = (_block << 6) + BitOperations.TrailingZeroCount(_bits);
            _bits &= _bits - 1;
            return true;
        }
    }

    /// <summary>The position of the closing quote of the string opened at <paramref name="open"/> (stage 1 saw every string closed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ClosingQuote(ulong[] masks, int open) => BlockMasks.NextSet(masks, 3, 1, open + 1);

    /// <summary>
    /// True when a backslash stands between <paramref name="open"/> and <paramref name="close"/> (a string's quotes):
    /// read from the masks. Searching the string's bytes instead took 3.5% of a count's CPU (perf, 3M events).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasBackslash(ulong[] masks, int open, int close) => BlockMasks.AnySet(masks, 3, 2, open + 1, close);

    /// <summary>
    /// Where the number or literal starting at <paramref name="at"/> ends, or -1 when it is none or runs into a
    /// byte that cannot follow a value (a delimiter, white space or the line's end must).
    /// </summary>
    private static int ScalarEnd(ReadOnlySpan<byte> json, int at, out JsonTokenType kind)
    {
        int i = at;
        switch (json[at])
        {
            case (byte)'t':
                kind = JsonTokenType.True;
                i = json[at..].StartsWith("true"u8) ? at + 4 : -1;
                break;
            case (byte)'f':
                kind = JsonTokenType.False;
                i = json[at..].StartsWith("false"u8) ? at + 5 : -1;
                break;
            case (byte)'n':
                kind = JsonTokenType.Null;
                i = json[at..].StartsWith("null"u8) ? at + 4 : -1;
                break;
            default:
                kind = JsonTokenType.Number;
                if (json[i] == (byte)'-' && ++i == json.Length)
                {
                    return -1;
                }

                if (json[i] == (byte)'0')
                {
                    i++;
                }
                else if (char.IsAsciiDigit((char)json[i]))
                {
                    i = SkipDigits(json, i + 1);
                }
                else
                {
                    return -1;
                }

                if (i < json.Length && json[i] == (byte)'.')
                {
                    if (++i == json.Length || !char.IsAsciiDigit((char)json[i]))
                    {
                        return -1;
                    }

                    i = SkipDigits(json, i + 1);
                }

                if (i < json.Length && (json[i] | 0x20) == (byte)'e')
                {
                    if (++i < json.Length && json[i] is (byte)'+' or (byte)'-')
                    {
                        i++;
                    }

                    if (i == json.Length || !char.IsAsciiDigit((char)json[i]))
                    {
                        return -1;
                    }

                    i = SkipDigits(json, i + 1);
                }

                break;
        }

        return i < 0 || (i < json.Length && !IsDelimiter(json[i])) ? -1 : i;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsDelimiter(byte b)
        => b is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'
            or (byte)'"' or (byte)':' or (byte)'{' or (byte)'[';

    /// <summary>True when each <c>u</c> marked in <paramref name="escapes"/> (bits of the block at <paramref name="blockStart"/>) is followed by four hex digits.</summary>
    private static bool HexFollows(ReadOnlySpan<byte> json, ulong escapes, int blockStart)
    {
        while (escapes != 0)
        {
            int at = blockStart + BitOperations.TrailingZeroCount(escapes) + 1;
            escapes &= escapes - 1;
            if (at + 4 > json.Length || !char.IsAsciiHexDigit((char)json[at]) || !char.IsAsciiHexDigit((char)json[at + 1])
                || !char.IsAsciiHexDigit((char)json[at + 2]) || !char.IsAsciiHexDigit((char)json[at + 3]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The bytes of 64 that may follow a backslash besides <c>"</c> and <c>\</c> (<c>/ b f n r t u</c>), and the <c>u</c>s.</summary>
    private static void EscapeBytes(ref byte block, out ulong allowed, out ulong u)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> v = Vector512.LoadUnsafe(ref block);
            Vector512<byte> uEq = Vector512.Equals(v, Vector512.Create((byte)'u'));
            u = uEq.ExtractMostSignificantBits();
            allowed = (uEq | Vector512.Equals(v, Vector512.Create((byte)'/')) | Vector512.Equals(v, Vector512.Create((byte)'b'))
                | Vector512.Equals(v, Vector512.Create((byte)'f')) | Vector512.Equals(v, Vector512.Create((byte)'n'))
                | Vector512.Equals(v, Vector512.Create((byte)'r')) | Vector512.Equals(v, Vector512.Create((byte)'t'))).ExtractMostSignificantBits();
            return;
        }

        allowed = u = 0;
        for (int q = 0; q < 4; q++)
        {
            Vector128<byte> v = Vector128.LoadUnsafe(ref block, (nuint)(q * 16));
            Vector128<byte> uEq = Vector128.Equals(v, Vector128.Create((byte)'u'));
            u |= (ulong)uEq.ExtractMostSignificantBits() << (q * 16);
            allowed |= (ulong)(uEq | Vector128.Equals(v, Vector128.Create((byte)'/')) | Vector128.Equals(v, Vector128.Create((byte)'b'))
                | Vector128.Equals(v, Vector128.Create((byte)'f')) | Vector128.Equals(v, Vector128.Create((byte)'n'))
                | Vector128.Equals(v, Vector128.Create((byte)'r')) | Vector128.Equals(v, Vector128.Create((byte)'t'))).ExtractMostSignificantBits() << (q * 16);
        }
    }

    /// <summary>Bit i of the result is the XOR of bits 0..i of <paramref name="x"/>.</summary>
    private static ulong PrefixXor(ulong x)
    {
        if (Pclmulqdq.IsSupported)
        {
            // A carry-less multiply by all ones XORs every lower bit into each bit.
            return Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(x), Vector128.Create(ulong.MaxValue), 0).ToScalar();
        }

        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }

    /// <summary>The byte-class masks of 64 bytes (bit i for byte i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(ref byte block, out ulong backslash, out ulong quote, out ulong space, out ulong op, out ulong control, out ulong nonAscii)
    {
        if (Avx512BW.IsSupported)
        {
            // White space and structural bytes by a table lookup on each byte's low four bits (simdjson's trick):
            // a byte is white space when the table holds that very byte at its low nibble, and structural when the
            // table holds it with bit 5 set ('[' and '{', ']' and '}' differ only there). Bytes of 0x80 and above
            // look up 0, which matches nothing. Two control bytes alias structural ones (0x0C is ',' without bit 5,
            // 0x1A is ':'): harmless, since a mask only says where a token starts and stage 2 reads the byte itself,
            // refusing a control byte outside a string as it would any junk. (ParseBenchmarks: 338 ns an event
            // against 367 with eight compares.)
            Vector512<byte> v = Vector512.LoadUnsafe(ref block);
            nonAscii = v.ExtractMostSignificantBits();
            backslash = Vector512.Equals(v, Vector512.Create((byte)'\\')).ExtractMostSignificantBits();
            quote = Vector512.Equals(v, Vector512.Create((byte)'"')).ExtractMostSignificantBits();
            control = Vector512.LessThan(v, Vector512.Create((byte)0x20)).ExtractMostSignificantBits();
            space = Vector512.Equals(Avx512BW.Shuffle(s_spaceTable, v), v).ExtractMostSignificantBits();
            op = Vector512.Equals(Avx512BW.Shuffle(s_structuralTable, v), v | Vector512.Create((byte)0x20)).ExtractMostSignificantBits();
            return;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> v = Vector512.LoadUnsafe(ref block);
            nonAscii = v.ExtractMostSignificantBits();
            Vector512<byte> folded = v | Vector512.Create((byte)0x20); // '{' and '[', '}' and ']' differ only in bit 5
            backslash = Vector512.Equals(v, Vector512.Create((byte)'\\')).ExtractMostSignificantBits();
            quote = Vector512.Equals(v, Vector512.Create((byte)'"')).ExtractMostSignificantBits();
            control = Vector512.LessThan(v, Vector512.Create((byte)0x20)).ExtractMostSignificantBits();
            space = (Vector512.Equals(v, Vector512.Create((byte)' ')) | Vector512.Equals(v, Vector512.Create((byte)'\n'))
                | Vector512.Equals(v, Vector512.Create((byte)'\r')) | Vector512.Equals(v, Vector512.Create((byte)'\t'))).ExtractMostSignificantBits();
            op = (Vector512.Equals(folded, Vector512.Create((byte)'{')) | Vector512.Equals(folded, Vector512.Create((byte)'}'))
                | Vector512.Equals(v, Vector512.Create((byte)':')) | Vector512.Equals(v, Vector512.Create((byte)','))).ExtractMostSignificantBits();
            return;
        }

        backslash = quote = space = op = control = nonAscii = 0;
        for (int q = 0; q < 4; q++)
        {
            Vector128<byte> v = Vector128.LoadUnsafe(ref block, (nuint)(q * 16));
            Vector128<byte> folded = v | Vector128.Create((byte)0x20);
            int shift = q * 16;
            nonAscii |= (ulong)v.ExtractMostSignificantBits() << shift;
            backslash |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << shift;
            quote |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits() << shift;
            control |= (ulong)Vector128.LessThan(v, Vector128.Create((byte)0x20)).ExtractMostSignificantBits() << shift;
            space |= (ulong)(Vector128.Equals(v, Vector128.Create((byte)' ')) | Vector128.Equals(v, Vector128.Create((byte)'\n'))
                | Vector128.Equals(v, Vector128.Create((byte)'\r')) | Vector128.Equals(v, Vector128.Create((byte)'\t'))).ExtractMostSignificantBits() << shift;
            op |= (ulong)(Vector128.Equals(folded, Vector128.Create((byte)'{')) | Vector128.Equals(folded, Vector128.Create((byte)'}'))
                | Vector128.Equals(v, Vector128.Create((byte)':')) | Vector128.Equals(v, Vector128.Create((byte)','))).ExtractMostSignificantBits() << shift;
        }
    }

    /// <summary>A 16-byte table in each of the four 128-bit lanes (a byte shuffle looks up within its own lane).</summary>
    private static Vector512<byte> LaneTable(ReadOnlySpan<byte> table) => VectorLanes.Repeat(Vector128.Create(table));
}
