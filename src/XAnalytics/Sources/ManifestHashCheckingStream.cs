using System.IO.Hashing;
using System.Security.Cryptography;

namespace XAnalytics.Sources;

/// <summary>
/// Reads a file through, hashing its bytes as they pass, and at its end compares the hash with the one its
/// manifest lists (XXH3 when <paramref name="expectedHex"/> starts with <c>xxh3:</c>, else SHA-256): a part changed
/// after it was written is a bad file, found without a second pass over it.
/// </summary>
/// <remarks>Only parts listed in a manifest are read through it; other files pay nothing.</remarks>
internal sealed class ManifestHashCheckingStream(Stream inner, string expectedHex, string name) : Stream
{
    private readonly XxHash3? _fast = expectedHex.StartsWith("xxh3:", StringComparison.Ordinal) ? new XxHash3() : null;
    private readonly IncrementalHash? _hash = expectedHex.StartsWith("xxh3:", StringComparison.Ordinal) ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        return Hash(buffer[..n]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Hash(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
            _hash?.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Hash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0)
        {
            if (_fast is not null)
            {
                _fast.Append(bytes);
            }
            else
            {
                _hash!.AppendData(bytes);
            }

            return bytes.Length;
        }

        if (!_checked)
        {
            _checked = true;
            if (_fast is not null)
            {
                string actual = "xxh3:" + _fast.GetCurrentHashAsUInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
                if (!actual.Equals(expectedHex, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"its XXH3 does not match manifest.json's for {name}: the part changed after it was written");
                }
            }
            else
            {
                Span<byte> actual = stackalloc byte[32];
                _hash!.GetHashAndReset(actual);
                if (!Convert.ToHexStringLower(actual).Equals(expectedHex, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"its SHA-256 does not match manifest.json's for {name}: the part changed after it was written");
                }
            }
        }

        return 0;
    }
}
