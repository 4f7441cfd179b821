using Amazon.Runtime;

namespace XAnalytics.S3;

/// <summary>
/// A read-once stream over a remote object that survives transient faults: when a read fails (a reset connection, a
/// timeout, a 5xx) or the body ends before the object's listed length, it waits, then reopens the object at the byte
/// it stopped at (a range request) and goes on, up to a number of attempts in a row. What the reader above sees is
/// the object's bytes once each, in order, so the gzip checks downstream hold as for a local file. An object that
/// changed or vanished is not retried.
/// </summary>
internal sealed class ResumingReadStream : Stream
{
    private readonly Func<long, CancellationToken, Task<Stream>> _open;
    private readonly long _length;
    private readonly string _name;
    private readonly int _maxRetries;
    private readonly TimeSpan _delay;
    private Stream? _body;
    private long _position;

    /// <param name="open">Opens the object from a byte offset.</param>
    /// <param name="length">The object's length as listed: a body that ends before it was cut.</param>
    /// <param name="name">The object's name, for messages.</param>
    /// <param name="maxRetries">Attempts in a row after a fault before the read fails.</param>
    /// <param name="delay">The first pause, doubled on each further attempt.</param>
    public ResumingReadStream(Func<long, CancellationToken, Task<Stream>> open, long length, string name, int maxRetries, TimeSpan delay)
    {
        _open = open;
        _length = length;
        _name = name;
        _maxRetries = maxRetries;
        _delay = delay;
    }

    /// <summary>Faults recovered from so far (reopened reads).</summary>
    public int Resumed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = ReadAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _position >= _length)
        {
            return 0;
        }

        int failures = 0;
        while (true)
        {
            Exception fault;
            try
            {
                _body ??= await _open(_position, cancellationToken).ConfigureAwait(false);
                int n = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n > 0)
                {
                    _position += n;
                    return n;
                }

                fault = new EndOfStreamException($"the body ended at byte {_position:N0} of {_length:N0}");
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                fault = e;
            }

            await DropBodyAsync().ConfigureAwait(false);
            if (++failures > _maxRetries)
            {
                throw new IOException($"{_name}: read failed at byte {_position:N0} of {_length:N0} after {_maxRetries} retries: {fault.Message}", fault);
            }

            Resumed++;
            await Task.Delay(_delay * (1 << Math.Min(failures - 1, 10)), cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body?.Dispose();
            _body = null;
        }

        base.Dispose(disposing);
    }

    private static bool IsTransient(Exception e) => e switch
    {
        StoredObjectChangedException => false,
        AmazonServiceException s => s.Retryable is not null || (int)s.StatusCode >= 500 || s.StatusCode == System.Net.HttpStatusCode.TooManyRequests,
        IOException or HttpRequestException or TimeoutException => true,
        TaskCanceledException t => t.InnerException is TimeoutException, // an HTTP timeout, not our cancellation
        _ => false,
    };

    private async ValueTask DropBodyAsync()
    {
        if (_body is not null)
        {
            try
            {
                await _body.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // A broken connection's body may fail to close: it is gone either way.
            }

            _body = null;
        }
    }
}
