using System.Buffers;
using System.Text;

namespace XAnalytics.Internal;

/// <summary>
/// Searches UTF-8 bytes for any of several ASCII substrings at once, with the runtime's vectorised multi-string
/// search (<see cref="SearchValues{T}"/> of strings, which works on chars): the bytes are widened to chars one to
/// one (Latin-1, itself vectorised), so an ASCII needle matches exactly where its bytes stand, and a non-ASCII byte
/// (widened to a char above 0x7F) matches no needle. One pass instead of one <c>IndexOf</c> per needle.
/// </summary>
/// <remarks>
/// Needles of one byte are searched apart, in the bytes (one vectorised <c>IndexOfAny</c>, no widening): with a
/// one-char needle among them the runtime cannot use its Teddy search (it needs two chars of each needle) and falls
/// back to Aho-Corasick, which walked a trie node per char with a dictionary lookup. Desensitize's needles
/// (about 30, a backslash among them) were 19% of that command's CPU so (perf, 1M events); see the README's
/// Performance section for the figures after. The chars are widened into a per-thread buffer: a
/// <c>stackalloc</c> of 1,024 chars was cleared on every call, most of them for values of a few dozen bytes.
/// </remarks>
internal sealed class Latin1Search
{
    [ThreadStatic]
    private static char[]? s_chars;

    /// <summary>The largest value widened in the thread's own buffer (a larger one is widened in a rented one).</summary>
    private const int MaxKeptChars = 64 * 1024;

    private readonly SearchValues<byte>? _bytes;
    private readonly SearchValues<string>? _strings;

    /// <summary>A search for <paramref name="needles"/>: ASCII strings, none empty.</summary>
    /// <exception cref="ArgumentException">An empty or non-ASCII needle.</exception>
    public Latin1Search(params string[] needles)
    {
        ArgumentNullException.ThrowIfNull(needles);
        var singles = new List<byte>();
        var strings = new List<string>();
        foreach (string needle in needles)
        {
            if (needle.Length == 0 || !Ascii.IsValid(needle))
            {
                throw new ArgumentException($"A needle must be ASCII and not empty: '{needle}'.", nameof(needles));
            }

            if (needle.Length == 1)
            {
                singles.Add((byte)needle[0]);
            }
            else
            {
                strings.Add(needle);
            }
        }

        _bytes = singles.Count > 0 ? SearchValues.Create([.. singles]) : null;
        _strings = strings.Count > 0 ? SearchValues.Create([.. strings], StringComparison.Ordinal) : null;
    }

    /// <summary>True when <paramref name="utf8"/> holds one of the needles.</summary>
    public bool Contains(ReadOnlySpan<byte> utf8)
    {
        if (_bytes is not null && utf8.IndexOfAny(_bytes) >= 0)
        {
            return true;
        }

        if (_strings is null)
        {
            return false;
        }

        if (utf8.Length > MaxKeptChars)
        {
            // A huge value (a 50 MB event string) is widened in a rented buffer: the thread keeps no buffer that size.
            char[] rented = ArrayPool<char>.Shared.Rent(utf8.Length);
            try
            {
                int n = Encoding.Latin1.GetChars(utf8, rented);
                return rented.AsSpan(0, n).IndexOfAny(_strings) >= 0;
            }
            finally
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        char[] chars = s_chars is { } buffer && buffer.Length >= utf8.Length ? buffer : (s_chars = new char[Math.Max(utf8.Length, 4096)]);
        int length = Encoding.Latin1.GetChars(utf8, chars);
        return chars.AsSpan(0, length).IndexOfAny(_strings) >= 0;
    }
}
