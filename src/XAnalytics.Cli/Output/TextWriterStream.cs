using System.Text;

namespace XAnalytics.Cli.Output;

/// <summary>
/// A write-only stream of UTF-8 bytes decoded into a <see cref="TextWriter"/> that is neither stdout nor a file (a
/// test's <see cref="StringWriter"/>). Disposing it flushes the decoder, not the writer, which stays its owner's.
/// </summary>
internal sealed class TextWriterStream(TextWriter text) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[4096];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => Decode(buffer, flush: false);

    public override void Flush() => text.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Decode([], flush: true);
        }

        base.Dispose(disposing);
    }

    private void Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        int needed = _decoder.GetCharCount(bytes, flush);
        if (needed > _chars.Length)
        {
            _chars = new char[needed];
        }

        int n = _decoder.GetChars(bytes, _chars, flush);
        text.Write(_chars, 0, n);
    }
}
