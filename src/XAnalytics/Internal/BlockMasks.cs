using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace XAnalytics.Internal;

/// <summary>
/// Lookups in bit masks kept per 64-byte block of a buffer (bit i of a block's mask for its byte i), as the fast
/// JSON and BSON checks build them: <c>stride</c> masks per block, each <c>lane</c> one kind of byte (quotes,
/// backslashes, NULs...). Positions are byte offsets in the buffer. The callers pass constants for stride and
/// lane, which the JIT folds once these are inlined.
/// </summary>
internal static class BlockMasks
{
    /// <summary>
    /// Where to read block <paramref name="block"/> of <paramref name="buffer"/> as 64 bytes, and by how many bits
    /// the masks read there must be shifted down: a whole block in place (shift 0); the last, partial one as the
    /// buffer's last 64 bytes, so no byte past its end is read (shift 64 minus the block's length); and in a buffer
    /// shorter than 64 bytes, from <paramref name="pad"/>, filled with a copy and then <paramref name="padding"/>
    /// (shift 0). After a shift, the mask bits past the buffer's end are 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Block(ReadOnlySpan<byte> buffer, int block, Span<byte> pad, byte padding, out int shift)
    {
        shift = 0;
        int at = block << 6;
        if (buffer.Length - at >= 64)
        {
            return ref Unsafe.Add(ref MemoryMarshal.GetReference(buffer), at);
        }

        if (buffer.Length >= 64)
        {
            shift = 64 - (buffer.Length - at);
            return ref Unsafe.Add(ref MemoryMarshal.GetReference(buffer), buffer.Length - 64);
        }

        pad.Fill(padding);
        buffer.CopyTo(pad);
        return ref MemoryMarshal.GetReference(pad);
    }

    /// <summary>The first marked byte at or after <paramref name="from"/> and before <paramref name="limit"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextSet(ulong[] masks, int stride, int lane, int from, int limit)
    {
        int b = from >> 6;
        ulong bits = masks[(stride * b) + lane] & (ulong.MaxValue << (from & 63));
        while (bits == 0)
        {
            if (++b << 6 >= limit)
            {
                return -1;
            }

            bits = masks[(stride * b) + lane];
        }

        int at = (b << 6) + BitOperations.TrailingZeroCount(bits);
        return at < limit ? at : -1;
    }

    /// <summary>The first marked byte at or after <paramref name="from"/>, where the caller knows there is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextSet(ulong[] masks, int stride, int lane, int from)
    {
        int b = from >> 6;
        ulong bits = masks[(stride * b) + lane] & (ulong.MaxValue << (from & 63));
        while (bits == 0)
        {
            bits = masks[(stride * ++b) + lane];
        }

        return (b << 6) + BitOperations.TrailingZeroCount(bits);
    }

    /// <summary>True when a byte in [<paramref name="from"/>, <paramref name="to"/>) is marked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnySet(ulong[] masks, int stride, int lane, int from, int to)
    {
        if (from >= to)
        {
            return false;
        }

        int b = from >> 6;
        int last = (to - 1) >> 6;
        ulong bits = masks[(stride * b) + lane] & (ulong.MaxValue << (from & 63));
        while (b < last)
        {
            if (bits != 0)
            {
                return true;
            }

            bits = masks[(stride * ++b) + lane];
        }

        return (bits & (ulong.MaxValue >> (63 - ((to - 1) & 63)))) != 0;
    }
}
