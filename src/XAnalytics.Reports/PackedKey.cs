namespace XAnalytics.Reports;

/// <summary>
/// A table key of two 64-bit words, into which a section packs its fields (course, day, label, user...), with a
/// hash of one multiply and shift. In place of a value tuple of three or four fields: 16 bytes a key instead of 24 or
/// 32, one cheap hash instead of <c>HashCode.Combine</c> over each field, and one generic instantiation for every
/// table that uses it (each value-tuple shape costs the JIT its own copy of the set's and dictionary's methods).
/// </summary>
internal readonly struct PackedKey(long high, long low) : IEquatable<PackedKey>
{
    /// <summary>The first word (by convention the fields that vary least: course and day).</summary>
    public long High { get; } = high;

    /// <summary>The second word (by convention the learner).</summary>
    public long Low { get; } = low;

    /// <summary>Two 32-bit fields as one word: <paramref name="high"/> in the upper half.</summary>
    public static long Pack(int high, int low) => ((long)high << 32) | (uint)low;

    /// <summary>The upper half of a word made by <see cref="Pack"/>.</summary>
    public static int HighHalf(long word) => (int)(word >> 32);

    /// <summary>The lower half of a word made by <see cref="Pack"/>.</summary>
    public static int LowHalf(long word) => (int)word;

    public bool Equals(PackedKey other) => High == other.High && Low == other.Low;

    public override bool Equals(object? obj) => obj is PackedKey other && Equals(other);

    public override int GetHashCode()
    {
        // Both words mixed (a learner id may differ only in its high bits: hashed usernames), then folded.
        ulong h = ((ulong)High * 0x9E3779B97F4A7C15UL) ^ (ulong)Low;
        h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9UL;
        return (int)(h ^ (h >> 32));
    }

    public static bool operator ==(PackedKey left, PackedKey right) => left.Equals(right);

    public static bool operator !=(PackedKey left, PackedKey right) => !left.Equals(right);

    /// <summary>The order of the first word, then the second (a struct comparer: sorts without a delegate call per comparison).</summary>
    public readonly struct Order : IComparer<PackedKey>
    {
        public int Compare(PackedKey x, PackedKey y)
        {
            int c = x.High.CompareTo(y.High);
            return c != 0 ? c : x.Low.CompareTo(y.Low);
        }
    }
}
