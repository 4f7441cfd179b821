using System.Buffers;
using System.Text.Encodings.Web;

namespace XAnalytics.Formats.Json;

/// <summary>
/// Writes JSON by splicing raw tokens of an event (keys and values as they stand, still escaped) with a few
/// new values, into a growable buffer, and takes care of the commas. Stages use it to rewrite an event
/// without materialising it: unchanged parts are copied byte for byte.
/// </summary>
/// <remarks>
/// Ownership: each thread has a few scratch builders (<see cref="ForThread"/>); a stage uses one within a single
/// event and hands its <see cref="Written"/> bytes to the event batch, which copies them.
/// The buffers live as long as the thread (not pooled: they would be rented and returned for every event).
/// </remarks>
internal sealed class Utf8JsonBuilder
{
    private const int Slots = 4;

    [ThreadStatic]
    private static Utf8JsonBuilder?[]? s_builders;

    private byte[] _buffer = new byte[4096];
    private int _length;
    private bool[] _first = new bool[64];
    private int _depth;
    private bool _afterName;

    // The layout of the top-level object as it is written, so the batch need not parse the event again
    // (a full Utf8JsonReader pass per rewritten event; see SetUtf8Indexed). A value's end is only known when
    // the next top-level key or the closing brace comes, so raw appends inside a value do not disturb it;
    // anything written outside the top-level object (a whole line appended, a cut) makes the layout unusable.
    private TopField[] _top = new TopField[32];
    private int _topCount;
    private int _valueStart = -1;
    private bool _layoutUsable;

    /// <summary>The thread's builder number <paramref name="slot"/> (0 to 3), emptied.</summary>
    public static Utf8JsonBuilder ForThread(int slot)
    {
        Utf8JsonBuilder?[] builders = s_builders ??= new Utf8JsonBuilder?[Slots];
        Utf8JsonBuilder builder = builders[slot] ??= new Utf8JsonBuilder();
        builder.Clear();
        return builder;
    }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Clear()
    {
        _length = 0;
        _depth = 0;
        _first[0] = true;
        _afterName = false;
        _topCount = 0;
        _valueStart = -1;
        _layoutUsable = true;
    }

    /// <summary>
    /// The top-level fields of what was written, when it is one object built through the structural calls;
    /// false when the caller wrote around them (then the batch indexes the bytes itself).
    /// </summary>
    public bool TryGetTopFields(out ReadOnlySpan<TopField> fields)
    {
        fields = _topCount <= _top.Length ? _top.AsSpan(0, _topCount) : default;
        return _layoutUsable && _depth == 0 && _length > 0 && _valueStart == -2;
    }

    /// <summary>
    /// Where the builder stands between two members of the top-level object, for <see cref="ResetTo"/>: a member
    /// written after it can be taken back whole when its value turns out to be unwanted (an emptied context).
    /// </summary>
    public TopMemberMark MarkTopMember()
    {
        if (_depth != 1 || _afterName)
        {
            throw new InvalidOperationException("A mark is only taken between members of the top-level object.");
        }

        return new TopMemberMark(_length, _topCount, _first[1], _valueStart);
    }

    /// <summary>Forgets everything written since <paramref name="mark"/>, which was taken at the same depth.</summary>
    public void ResetTo(TopMemberMark mark)
    {
        _length = mark.Length;
        _topCount = mark.TopCount;
        _first[1] = mark.First;
        _valueStart = mark.ValueStart;
        _depth = 1;
        _afterName = false;
    }

    public void StartObject()
    {
        if (_depth == 0 && _length > 0)
        {
            _layoutUsable = false;
        }

        Separator();
        AppendByte((byte)'{');
        Push();
    }

    public void StartArray()
    {
        if (_depth == 0)
        {
            _layoutUsable = false;
        }

        Separator();
        AppendByte((byte)'[');
        Push();
    }

    public void EndObject()
    {
        if (_depth == 1)
        {
            CloseTopValue();
            _valueStart = -2; // the top-level object is complete
        }

        _depth--;
        AppendByte((byte)'}');
    }

    public void EndArray()
    {
        _depth--;
        AppendByte((byte)']');
    }

    /// <summary>A property name as it stands in the source, with its quotes (escapes kept).</summary>
    public void PropertyRaw(ReadOnlySpan<byte> quotedKey)
    {
        if (_depth == 1)
        {
            CloseTopValue();
        }

        if (!_first[_depth])
        {
            AppendByte((byte)',');
        }

        _first[_depth] = false;
        if (_depth == 1)
        {
            if (_topCount == _top.Length)
            {
                Array.Resize(ref _top, _top.Length * 2);
            }

            ref TopField field = ref _top[_topCount++];
            field.KeyOffset = _length + 1;
            field.KeyLength = quotedKey.Length - 2;
            field.KeyEscaped = quotedKey.Contains((byte)'\\');
        }

        Append(quotedKey);
        AppendByte((byte)':');
        _afterName = true;
    }

    /// <summary>A whole value as it stands in the source: a quoted string, a number, a literal, an object or array.</summary>
    public void ValueRaw(ReadOnlySpan<byte> rawJson)
    {
        if (_depth == 0)
        {
            _layoutUsable = false;
        }

        Separator();
        Append(rawJson);
    }

    /// <summary>A string value from unescaped UTF-8 text, escaped as JSON needs (non-ASCII kept as it is).</summary>
    public void StringValue(ReadOnlySpan<byte> utf8)
    {
        Separator();
        AppendByte((byte)'"');
        while (true)
        {
            Ensure(utf8.Length + 16);
            OperationStatus status = JavaScriptEncoder.UnsafeRelaxedJsonEscaping.EncodeUtf8(
                utf8, _buffer.AsSpan(_length), out int consumed, out int written, isFinalBlock: true);
            _length += written;
            utf8 = utf8[consumed..];
            if (status != OperationStatus.DestinationTooSmall)
            {
                break;
            }

            Ensure(_buffer.Length);
        }

        AppendByte((byte)'"');
    }

    public void Null() => ValueRaw("null"u8);

    /// <summary>Appends bytes with no separator logic (for a caller that writes a whole line itself).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_depth == 0)
        {
            _layoutUsable = false;
        }

        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Cuts the written bytes back to <paramref name="length"/> (only outside any open container).</summary>
    public void Truncate(int length)
    {
        _length = length;
        _layoutUsable = false;
    }

    private void Separator()
    {
        if (_afterName)
        {
            _afterName = false;
            if (_depth == 1)
            {
                _valueStart = _length;
            }

            return;
        }

        if (!_first[_depth])
        {
            AppendByte((byte)',');
        }

        _first[_depth] = false;
    }

    /// <summary>Ends the top-level value being written, if any: its length, kind and escapes are now known.</summary>
    private void CloseTopValue()
    {
        if (_valueStart < 0)
        {
            return;
        }

        ref TopField field = ref _top[_topCount - 1];
        ReadOnlySpan<byte> value = _buffer.AsSpan(_valueStart, _length - _valueStart);
        field.ValueOffset = _valueStart;
        field.ValueLength = value.Length;
        field.Kind = value.IsEmpty ? System.Text.Json.JsonTokenType.None : value[0] switch
        {
            (byte)'"' => System.Text.Json.JsonTokenType.String,
            (byte)'{' => System.Text.Json.JsonTokenType.StartObject,
            (byte)'[' => System.Text.Json.JsonTokenType.StartArray,
            (byte)'t' => System.Text.Json.JsonTokenType.True,
            (byte)'f' => System.Text.Json.JsonTokenType.False,
            (byte)'n' => System.Text.Json.JsonTokenType.Null,
            _ => System.Text.Json.JsonTokenType.Number,
        };
        field.ValueEscaped = field.Kind == System.Text.Json.JsonTokenType.String && value.Contains((byte)'\\');
        if (value.IsEmpty)
        {
            _layoutUsable = false;
        }

        _valueStart = -1;
    }

    private void Push()
    {
        _depth++;
        if (_depth == _first.Length)
        {
            Array.Resize(ref _first, _first.Length * 2);
        }

        _first[_depth] = true;
    }

    private void AppendByte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
