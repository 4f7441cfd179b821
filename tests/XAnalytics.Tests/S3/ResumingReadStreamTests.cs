using XAnalytics.S3;

namespace XAnalytics.Tests.S3;

/// <summary>The S3 body stream that resumes a cut read at the byte it stopped at (no server needed).</summary>
public sealed class ResumingReadStreamTests
{
    private static readonly byte[] s_object = [.. Enumerable.Range(0, 100_000).Select(static i => (byte)(i * 31))];

    /// <summary>Opens the object from an offset; each body breaks after <paramref name="cutAfter"/> bytes with the given fault, for the first <paramref name="cuts"/> opens.</summary>
    private static Func<long, CancellationToken, Task<Stream>> Flaky(int cuts, int cutAfter, Func<Exception> fault, List<long> opens)
        => (from, _) =>
        {
            opens.Add(from);
            Stream body = new MemoryStream(s_object, (int)from, s_object.Length - (int)from);
            return Task.FromResult(opens.Count <= cuts ? new BreakingStream(body, cutAfter, fault) : body);
        };

    [Fact]
    public async Task Read_CutByResetsAndShortBodies_ResumesAtTheByteAndReturnsEachByteOnce()
    {
        var opens = new List<long>();
        using var stream = new ResumingReadStream(Flaky(3, 30_000, static () => new IOException("connection reset"), opens), s_object.Length, "s3://b/k", 4, TimeSpan.Zero);

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(s_object, copy.ToArray());
        Assert.Equal(3, stream.Resumed);
        Assert.Equal([0L, 30_000L, 60_000L, 90_000L], opens);
    }

    [Fact]
    public async Task Read_BodyEndsEarly_ResumedLikeAFault()
    {
        var opens = new List<long>();
        using var stream = new ResumingReadStream(Flaky(1, 50_000, static () => null!, opens), s_object.Length, "s3://b/k", 2, TimeSpan.Zero);

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(s_object, copy.ToArray());
        Assert.Equal([0L, 50_000L], opens);
    }

    [Fact]
    public async Task Read_MoreFaultsInARowThanRetries_FailsNamingTheObjectAndByte()
    {
        var opens = new List<long>();
        using var stream = new ResumingReadStream(Flaky(10, 0, static () => new IOException("connection reset"), opens), s_object.Length, "s3://b/k", 2, TimeSpan.Zero);

        IOException e = await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Contains("s3://b/k: read failed at byte 0 of 100,000 after 2 retries: connection reset", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, opens.Count);
    }

    [Fact]
    public async Task Read_ObjectChanged_NotRetried()
    {
        int opens = 0;
        using var stream = new ResumingReadStream((_, _) =>
        {
            opens++;
            throw new StoredObjectChangedException("s3://b/k changed while it was read", new InvalidOperationException());
        }, s_object.Length, "s3://b/k", 4, TimeSpan.Zero);

        await Assert.ThrowsAsync<StoredObjectChangedException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal(1, opens);
    }

    /// <summary>A body that gives <c>cutAfter</c> bytes, then throws the fault (or ends, when the fault is null).</summary>
    private sealed class BreakingStream(Stream inner, int cutAfter, Func<Exception> fault) : Stream
    {
        private int _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= cutAfter)
            {
                Exception? e = fault();
                return e is null ? 0 : throw e;
            }

            int n = inner.Read(buffer, offset, Math.Min(count, cutAfter - _given));
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
