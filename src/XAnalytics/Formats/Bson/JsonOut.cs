using XAnalytics.Internal;

namespace XAnalytics.Formats.Bson;

/// <summary>
/// The JSON being written: a span of the output's free space and a position in it, so single bytes and short runs
/// are stored with one bounds check instead of a call per write. Growing commits what was written and asks the
/// output for a larger span.
/// </summary>
internal ref struct JsonOut
{
    private readonly PooledBufferWriter _writer;
    private Span<byte> _span;
    private int _pos;

    public JsonOut(PooledBufferWriter writer, int sizeHint)
    {
        _writer = writer;
        _span = writer.GetSpan(sizeHint);
        _pos = 0;
    }

    /// <summary>Where the next byte goes, counted from the start of the output.</summary>
    public readonly int Position => _writer.WrittenCount + _pos;

    /// <summary>A byte already written, by its position in the output.</summary>
    public readonly byte ByteAt(int position)
    {
        int committed = _writer.WrittenCount;
        return position >= committed ? _span[position - committed] : _writer.WrittenSpan[position];
    }

    public void Reserve(int count)
    {
        if (_span.Length - _pos < count)
        {
            Grow(count);
        }
    }

    public void Write(byte value)
    {
        if (_pos >= _span.Length)
        {
            Grow(1);
        }

        _span[_pos++] = value;
    }

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        if (_span.Length - _pos < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_span[_pos..]);
        _pos += bytes.Length;
    }

    public Span<byte> GetSpan(int sizeHint)
    {
        Reserve(sizeHint);
        return _span[_pos..];
    }

    public void Advance(int count) => _pos += count;

    /// <summary>Hands what was written to the output. The struct must not be written to afterwards.</summary>
    public void Commit()
    {
        _writer.Advance(_pos);
        _pos = 0;
        _span = default;
    }

    private void Grow(int count)
    {
        _writer.Advance(_pos);
        _pos = 0;
        _span = _writer.GetSpan(Math.Max(count, 4096));
    }
}
