using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace XAnalytics.Internal;

/// <summary>
/// A 64-bit hash of a byte string for the engine's own hash tables (<see cref="Utf8Counter"/>): two lanes of
/// multiply and rotate, 16 bytes a step, then a murmur-style finish so that the low bits, which pick the slot, depend
/// on every byte. Seeded at random once per process, so a log cannot be written to make its values collide.
/// </summary>
/// <remarks>
/// Not <c>XxHash3</c>: its 128-bit multiplies depend on BMI2, which the tool's precompiled (ReadyToRun) code does not
/// assume, so its code was thrown away at start-up and run unoptimised until it was jitted again. That was 1% to 2.5%
/// of a count's CPU (perf). This one is plain 64-bit arithmetic, precompiled once and used as is. It is for bucketing
/// only: tables compare the keys themselves, so a collision costs a comparison, never a wrong count.
/// </remarks>
internal static class KeyHash
{
    private const ulong Prime1 = 0x9E37_79B1_85EB_CA87;
    private const ulong Prime2 = 0xC2B2_AE3D_27D4_EB4F;
    private const ulong Prime3 = 0x1656_67B1_9E37_79F9;

    private static readonly ulong s_seed = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));

    /// <summary>The hash of <paramref name="key"/>, the same for equal keys within this process.</summary>
    public static ulong Of(ReadOnlySpan<byte> key)
    {
        int n = key.Length;
        ulong a = s_seed ^ ((ulong)n * Prime1);
        ulong b = ~s_seed;
        if (n >= 16)
        {
            int at = 0;
            for (; at + 16 <= n; at += 16)
            {
                a = BitOperations.RotateLeft((a ^ BinaryPrimitives.ReadUInt64LittleEndian(key[at..])) * Prime1, 31);
                b = BitOperations.RotateLeft((b ^ BinaryPrimitives.ReadUInt64LittleEndian(key[(at + 8)..])) * Prime2, 29);
            }

            if (at < n)
            {
                // The last 16 bytes, overlapping what came before: no byte-by-byte tail.
                a ^= BinaryPrimitives.ReadUInt64LittleEndian(key[(n - 16)..]) * Prime2;
                b ^= BinaryPrimitives.ReadUInt64LittleEndian(key[(n - 8)..]) * Prime3;
            }
        }
        else if (n >= 8)
        {
            a ^= BinaryPrimitives.ReadUInt64LittleEndian(key);
            b ^= BinaryPrimitives.ReadUInt64LittleEndian(key[(n - 8)..]);
        }
        else if (n >= 4)
        {
            a ^= BinaryPrimitives.ReadUInt32LittleEndian(key);
            b ^= BinaryPrimitives.ReadUInt32LittleEndian(key[(n - 4)..]);
        }
        else if (n > 0)
        {
            a ^= key[0] | ((ulong)key[n >> 1] << 8) | ((ulong)key[n - 1] << 16);
        }

        ulong h = (a * Prime3) ^ BitOperations.RotateLeft(b * Prime1, 27);
        h ^= h >> 33;
        h *= 0xFF51_AFD7_ED55_8CCD;
        h ^= h >> 33;
        h *= 0xC4CE_B9FE_1A85_EC53;
        return h ^ (h >> 33);
    }
}
