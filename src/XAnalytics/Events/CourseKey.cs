using System.Text;

namespace XAnalytics.Events;

/// <summary>
/// A course, whatever shape its id came in: <c>course-v1:Org+Num+Run</c>, <c>block-v1:Org+Num+Run+type@...</c> and
/// <c>i4x://Org/Num/...</c> usage keys, or the old <c>Org/Num/Run</c>. Its canonical text is <c>Org/Num/Run</c>, so
/// <c>course-v1:MITx+6.002x+2T2015</c> and <c>MITx/6.002x/2T2015</c> are one course. A CCX (custom course,
/// <c>ccx-v1:Org+Num+Run+ccx@N</c>, or a <c>ccx-block-v1:</c> usage key in it) is a course of its own, as edX's
/// course keys make it (edx-ccx-keys' <c>CCXLocator</c>): its <see cref="Ccx"/> is set and its canonical text is its
/// <c>ccx-v1:</c> id. The run is kept as written (edX compares course ids as strings).
/// </summary>
/// <remarks>An <c>i4x://</c> key does not name its run: such a key has a null <see cref="Run"/> and matches every run.</remarks>
/// <param name="Org">The organisation (<c>MITx</c>).</param>
/// <param name="Number">The course number (<c>6.002x</c>).</param>
/// <param name="Run">The run (<c>2T2015</c>), or null when the id did not say.</param>
public readonly record struct CourseKey(string Org, string Number, string? Run)
{
    /// <summary>The CCX's number (<c>3</c> in <c>ccx-v1:MITx+6.002x+2T2015+ccx@3</c>), or null for a course that is not a CCX.</summary>
    public string? Ccx { get; init; }

    /// <summary>
    /// The canonical text: <c>Org/Num/Run</c>, or <c>Org/Num</c> when the run is unknown; a CCX's
    /// <c>ccx-v1:Org+Num+Run+ccx@N</c>.
    /// </summary>
    public override string ToString()
        => Ccx is not null ? $"ccx-v1:{Org}+{Number}+{Run}+ccx@{Ccx}" : Run is null ? $"{Org}/{Number}" : $"{Org}/{Number}/{Run}";

    /// <summary>True when both name the same course (an unknown run matches any run).</summary>
    /// <remarks>A CCX matches only itself: not its parent course, nor another CCX of it.</remarks>
    public bool Matches(CourseKey other)
        => string.Equals(Ccx, other.Ccx, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Org, other.Org, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Number, other.Number, StringComparison.OrdinalIgnoreCase)
        && (Run is null || other.Run is null || string.Equals(Run, other.Run, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a course id or usage key in any of the known shapes.</summary>
    public static bool TryParse(ReadOnlySpan<char> id, out CourseKey key)
    {
        id = id.Trim();
        key = default;
        if (id.IsEmpty)
        {
            return false;
        }

        if (id.StartsWith("i4x://", StringComparison.OrdinalIgnoreCase))
        {
            return TrySplit(id[6..], '/', allowMissingRun: true, out key, runIsPresent: false);
        }

        int colon = id.IndexOf(':');
        if (colon > 0)
        {
            ReadOnlySpan<char> kind = id[..colon];
            if (kind is "course-v1" or "block-v1")
            {
                return TrySplit(id[(colon + 1)..], '+', allowMissingRun: false, out key, runIsPresent: true, strict: kind is "course-v1");
            }

            if (kind is "ccx-v1" or "ccx-block-v1")
            {
                return TryCcx(id[(colon + 1)..], out key);
            }

            return false; // library-v1: and other keys name no course
        }

        return TrySplit(id, '/', allowMissingRun: false, out key, runIsPresent: true, strict: true);
    }

    /// <summary>Parses UTF-8 text (see <see cref="TryParse(ReadOnlySpan{char}, out CourseKey)"/>).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out CourseKey key)
    {
        if (utf8.Length > 512)
        {
            key = default;
            return false;
        }

        Span<char> chars = stackalloc char[utf8.Length];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        return TryParse(chars[..n], out key);
    }

    /// <summary>
    /// Finds the course in a URL or path: <c>/courses/course-v1:Org+Num+Run/...</c> or
    /// <c>/courses/Org/Num/Run/...</c>, as implicit server events (their <c>event_type</c>) and browser events
    /// (their <c>page</c>) carry it.
    /// </summary>
    public static bool TryFromUrl(ReadOnlySpan<char> url, out CourseKey key)
    {
        key = default;
        int at = url.IndexOf("/courses/", StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        ReadOnlySpan<char> rest = url[(at + 9)..];
        int end = rest.IndexOfAny('?', '#');
        if (end >= 0)
        {
            rest = rest[..end];
        }

        int slash = rest.IndexOf('/');
        ReadOnlySpan<char> first = slash < 0 ? rest : rest[..slash];
        if (first.Contains(':'))
        {
            // course-v1:Org+Num+Run, possibly with its '+' written %2B or ' ' by a form encoder.
            Span<char> decoded = stackalloc char[first.Length];
            int n = Unescape(first, decoded);
            return TryParse(decoded[..n], out key);
        }

        // Org/Num/Run: the first three segments.
        int second = slash < 0 ? -1 : rest[(slash + 1)..].IndexOf('/');
        if (slash < 0 || second < 0)
        {
            return false;
        }

        int third = rest[(slash + second + 2)..].IndexOf('/');
        ReadOnlySpan<char> three = third < 0 ? rest : rest[..(slash + second + 2 + third)];
        return TryParse(three, out key);
    }

    private static int Unescape(ReadOnlySpan<char> text, Span<char> destination)
    {
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && text.Slice(i + 1, 2).Equals("2B", StringComparison.OrdinalIgnoreCase))
            {
                destination[n++] = '+';
                i += 2;
            }
            else if (text[i] == '%' && i + 2 < text.Length && text.Slice(i + 1, 2).Equals("3A", StringComparison.OrdinalIgnoreCase))
            {
                destination[n++] = ':';
                i += 2;
            }
            else
            {
                destination[n++] = text[i] == ' ' ? '+' : text[i];
            }
        }

        return n;
    }

    /// <summary>
    /// Org, number and run from <paramref name="text"/> split at <paramref name="separator"/>. <paramref name="strict"/>
    /// for a course id (not a usage key): as edX's course keys (opaque-keys 0.4) read one, <c>Org/Num/Run</c> has exactly
    /// two slashes and parts of <c>[\w.%-]</c>, <c>course-v1:Org+Num+Run</c> parts of <c>[\w\-~.:]</c> and nothing after
    /// the run but <c>+branch@...</c> or <c>+version@...</c>; so <c>edX/DemoX/T1/extra</c> or <c>course-v1:edX+DemoX+T1@x</c>
    /// is no course (it used to be read as <c>edX/DemoX/T1</c>).
    /// </summary>
    private static bool TrySplit(ReadOnlySpan<char> text, char separator, bool allowMissingRun, out CourseKey key, bool runIsPresent, bool strict = false)
    {
        key = default;
        Span<Range> parts = stackalloc Range[4];
        int count = text.Split(parts, separator);
        if (count < 2 || (!allowMissingRun && count < 3))
        {
            return false;
        }

        if (strict)
        {
            ReadOnlySpan<char> extra = count == 4 ? text[parts[3]] : default;
            bool extraAllowed = count == 3
                || (separator == '+' && (extra.StartsWith("branch@", StringComparison.Ordinal) || extra.StartsWith("version@", StringComparison.Ordinal)));
            string others = separator == '/' ? ".%-" : "-~.:";
            if (!extraAllowed || !IsIdPart(text[parts[0]], others) || !IsIdPart(text[parts[1]], others) || !IsIdPart(text[parts[2]], others))
            {
                return false;
            }
        }

        ReadOnlySpan<char> org = text[parts[0]];
        ReadOnlySpan<char> number = text[parts[1]];
        if (org.IsEmpty || number.IsEmpty || org.ContainsAny('/', '+', ' ') || number.ContainsAny('/', '+', ' '))
        {
            return false;
        }

        string? run = null;
        if (runIsPresent)
        {
            ReadOnlySpan<char> r = text[parts[2]];
            int at = r.IndexOfAny('+', '/', '@');
            if (at >= 0)
            {
                r = r[..at];
            }

            if (r.IsEmpty)
            {
                return false;
            }

            run = r.ToString();
        }

        key = new CourseKey(org.ToString(), number.ToString(), run);
        return true;
    }

    /// <summary>A part of a course id: not empty, each character a letter, a digit, <c>_</c> or one of <paramref name="others"/> (Python's <c>\w</c> and the rest of edX's pattern).</summary>
    private static bool IsIdPart(ReadOnlySpan<char> part, string others)
    {
        if (part.IsEmpty)
        {
            return false;
        }

        foreach (char c in part)
        {
            if (!char.IsLetterOrDigit(c) && c != '_' && !others.Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>Org+Num+Run+ccx@N</c> (a <c>ccx-v1:</c> id), or that followed by <c>+type@...</c> (a <c>ccx-block-v1:</c>
    /// usage key): the CCX <c>N</c> of the course. Without its <c>ccx@</c> part (or with an empty one) it is not a course.
    /// </summary>
    private static bool TryCcx(ReadOnlySpan<char> text, out CourseKey key)
    {
        key = default;
        int at = text.IndexOf("+ccx@", StringComparison.Ordinal);
        if (at < 0 || !TrySplit(text[..at], '+', allowMissingRun: false, out CourseKey course, runIsPresent: true, strict: true))
        {
            return false;
        }

        ReadOnlySpan<char> ccx = text[(at + 5)..];
        int end = ccx.IndexOf('+');
        ccx = end < 0 ? ccx : ccx[..end];
        if (ccx.IsEmpty || ccx.ContainsAny('/', '@', ' '))
        {
            return false;
        }

        key = course with { Ccx = ccx.ToString() };
        return true;
    }
}
