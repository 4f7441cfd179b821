using System.Numerics;
using System.Text;
using XAnalytics.Internal;

namespace XAnalytics.Tests.Internal;

/// <summary>
/// The hash of the engine's hash tables: equal keys hash alike, every byte counts at every length (the lanes, the
/// overlapping last 16 bytes and the short cases), and the low bits, which pick a table's slot, spread.
/// </summary>
public sealed class KeyHashTests
{
    [Fact]
    public void Of_EqualKeysInDifferentArrays_SameHash()
    {
        for (int n = 0; n <= 100; n++)
        {
            byte[] key = Key(n, 7);
            byte[] copy = [.. key];
            Assert.Equal(KeyHash.Of(key), KeyHash.Of(copy));
            Assert.Equal(KeyHash.Of(key), KeyHash.Of(new ReadOnlySpan<byte>([0xAA, .. key, 0xBB])[1..^1]));
        }
    }

    /// <summary>Changing any one byte of a key of any length up to 100 changes its hash, and about half its bits.</summary>
    [Fact]
    public void Of_AnyOneByteChanged_HashChangesInAboutHalfItsBits()
    {
        long changedBits = 0;
        long trials = 0;
        for (int n = 1; n <= 100; n++)
        {
            byte[] key = Key(n, n);
            ulong hash = KeyHash.Of(key);
            for (int at = 0; at < n; at++)
            {
                foreach (byte flip in (byte[])[0x01, 0x80, 0x20])
                {
                    key[at] ^= flip;
                    ulong other = KeyHash.Of(key);
                    key[at] ^= flip;
                    Assert.True(other != hash, $"length {n}: a change at byte {at} left the hash as it was");
                    changedBits += BitOperations.PopCount(hash ^ other);
                    trials++;
                }
            }
        }

        double mean = (double)changedBits / trials;
        Assert.InRange(mean, 30.0, 34.0);
    }

    [Fact]
    public void Of_LengthAlone_ChangesTheHash()
    {
        var seen = new HashSet<ulong>();
        for (int n = 0; n <= 64; n++)
        {
            Assert.True(seen.Add(KeyHash.Of(new byte[n])), $"{n} zero bytes hash like a shorter run of zeros");
        }
    }

    /// <summary>Keys that differ a little, as event types and course ids do, spread evenly over 256 slots.</summary>
    [Fact]
    public void Of_SimilarKeys_LowBitsSpreadOverSlots()
    {
        const int keys = 65_536;
        int[] slots = new int[256];
        var hashes = new HashSet<ulong>();
        for (int i = 0; i < keys; i++)
        {
            byte[] key = Encoding.UTF8.GetBytes($"/courses/course-v1:Org+C{i % 97}+2015/courseware/{i}/");
            ulong hash = KeyHash.Of(key);
            hashes.Add(hash);
            slots[hash & 255]++;
        }

        Assert.Equal(keys, hashes.Count);
        double expected = keys / 256.0;
        double chiSquare = slots.Sum(s => (s - expected) * (s - expected) / expected);
        Assert.InRange(chiSquare, 150, 380); // 255 degrees of freedom: 99.99% of random spreads fall inside
    }

    private static byte[] Key(int length, int seed)
    {
        byte[] key = new byte[length];
        new Random(seed).NextBytes(key);
        return key;
    }
}
