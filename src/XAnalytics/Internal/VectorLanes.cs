using System.Runtime.Intrinsics;

namespace XAnalytics.Internal;

/// <summary>Helpers for 512-bit vectors built from 128-bit lanes.</summary>
internal static class VectorLanes
{
    /// <summary>
    /// <paramref name="lane"/> in each of the four 128-bit lanes: the shape that lane-wise instructions (a byte
    /// shuffle's table, a carry-less multiply's constants) want.
    /// </summary>
    public static Vector512<T> Repeat<T>(Vector128<T> lane)
        => Vector512.Create(Vector256.Create(lane, lane), Vector256.Create(lane, lane));
}
