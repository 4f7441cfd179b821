using System.Buffers;
using System.Text.Encodings.Web;

namespace XAnalytics.Internal;

/// <summary>
/// Writes JSON by splicing raw tokens of an event (keys and values as they stand, still escaped) with a few
/// new values, into a growable buffer, and takes care of the commas. Stages use it to rewrite an event
/// without materialising it: unchanged parts are copied byte for byte.
/// </summary>
/// <remarks>
/// Ownership: each thread has a few scratch builders (<see cref="ForThread"/>); a stage uses one within a single
/// event and hands its <see cref="Written"/> bytes to <see cref="Events.EventBatch.SetUtf8"/>, which copies them.
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
    }

    public void StartObject()
    {
        Separator();
        AppendByte((byte)'{');
        Push();
    }

    public void StartArray()
    {
        Separator();
        AppendByte((byte)'[');
        Push();
    }

    public void EndObject()
    {
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
        if (!_first[_depth])
        {
            AppendByte((byte)',');
        }

        _first[_depth] = false;
        Append(quotedKey);
        AppendByte((byte)':');
        _afterName = true;
    }

    /// <summary>A whole value as it stands in the source: a quoted string, a number, a literal, an object or array.</summary>
    public void ValueRaw(ReadOnlySpan<byte> rawJson)
    {
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
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Cuts the written bytes back to <paramref name="length"/> (only outside any open container).</summary>
    public void Truncate(int length) => _length = length;

    private void Separator()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        if (!_first[_depth])
        {
            AppendByte((byte)',');
        }

        _first[_depth] = false;
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
