using System.Numerics;
using System.Runtime.CompilerServices;

namespace XAnalytics.Generation;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own algorithm, so archives stay byte-identical
/// across runtime versions, unlike <see cref="Random"/> whose algorithm is unspecified.
/// A mutable struct: pass it by <c>ref</c>, never copy it by accident.
/// </summary>
internal struct Rng
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Rng(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>One SplitMix64 step; also used to derive independent stream seeds.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Seed of sub-stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        ulong s = seed ^ (stream * 0xD1B54A32D192ED03UL);
        SplitMix64(ref s);
        return SplitMix64(ref s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, n): Lemire's multiply-high; the bias (n / 2^64) is irrelevant here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Below(int n) => (int)Math.BigMul(Next(), (ulong)n, out _);

    /// <summary>Uniform in [min, max].</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Pareto (heavy tail) with minimum <paramref name="min"/> and shape <paramref name="alpha"/>.</summary>
    public double Pareto(double min, double alpha) => min / Math.Pow(1.0 - NextDouble(), 1.0 / alpha);

    /// <summary>Index drawn from a cumulative weight table (last entry is the total).</summary>
    public int Pick(ReadOnlySpan<double> cumulative)
    {
        double u = NextDouble() * cumulative[^1];
        int lo = 0;
        int hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>Writes <paramref name="dest"/>.Length lowercase hex digits.</summary>
    public void Hex(Span<byte> dest)
    {
        ulong bits = 0;
        for (int i = 0; i < dest.Length; i++)
        {
            if ((i & 15) == 0)
            {
                bits = Next();
            }

            dest[i] = (byte)"0123456789abcdef"[(int)(bits & 15)];
            bits >>= 4;
        }
    }

    public string HexString(int length)
    {
        Span<byte> buf = stackalloc byte[length];
        Hex(buf);
        return System.Text.Encoding.ASCII.GetString(buf);
    }
}
