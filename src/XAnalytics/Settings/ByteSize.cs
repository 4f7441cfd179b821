using System.Globalization;

namespace XAnalytics.Settings;

/// <summary>Byte counts as people write them in settings and options: a positive integer with an optional KiB, MiB or GiB suffix.</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] s_suffixes = [("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30)];

    /// <summary>
    /// Parses <paramref name="text"/> (<c>512MiB</c>, <c>16 KiB</c>, <c>1000</c>) into bytes no larger than
    /// <paramref name="max"/>; false when it is not such a count. <paramref name="suffixComparison"/> says whether
    /// the suffix's case matters.
    /// </summary>
    public static bool TryParse(string text, long max, StringComparison suffixComparison, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        long multiplier = 1;
        foreach ((string suffix, long factor) in s_suffixes)
        {
            if (text.EndsWith(suffix, suffixComparison))
            {
                text = text[..^suffix.Length].TrimEnd();
                multiplier = factor;
                break;
            }
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number > 0 && number <= max / multiplier)
        {
            bytes = number * multiplier;
            return true;
        }

        bytes = 0;
        return false;
    }
}
