using System.Buffers;
using System.Text;

namespace XAnalytics.Internal;

/// <summary>
/// Searches UTF-8 bytes for any of several ASCII substrings at once, with the runtime's vectorised multi-string
/// search (<see cref="SearchValues{T}"/> of strings, which works on chars): the bytes are widened to chars one to
/// one (Latin-1, itself vectorised), so an ASCII needle matches exactly where its bytes stand, and a non-ASCII byte
/// (widened to a char above 0x7F) matches no needle. One pass instead of one <c>IndexOf</c> per needle.
/// </summary>
internal static class Latin1Search
{
    private const int StackChars = 1024;

    /// <summary>True when <paramref name="utf8"/> holds one of <paramref name="needles"/>' (ASCII) strings.</summary>
    public static bool Contains(ReadOnlySpan<byte> utf8, SearchValues<string> needles)
    {
        char[]? rented = null;
        Span<char> chars = utf8.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            int length = Encoding.Latin1.GetChars(utf8, chars);
            return chars[..length].IndexOfAny(needles) >= 0;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
