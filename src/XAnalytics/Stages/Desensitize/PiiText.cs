using XAnalytics.Formats.Json;

namespace XAnalytics.Stages.Desensitize;

/// <summary>
/// Hand scanners over UTF-8 text for what identifies a learner inside free text and URLs: usernames in URL
/// paths, e-mail addresses, phone numbers. Each appends the scrubbed text to a builder and returns false,
/// writing nothing, when there is nothing to replace (the usual case), so unchanged strings are never copied.
/// </summary>
/// <remarks>
/// Hand-written rather than <c>Regex</c>: the text stays UTF-8 (no transcoding per string) and the common
/// "no <c>@</c>, no digit run" case is one vectorised <c>IndexOfAny</c>.
/// Phone numbers are recognised heuristically: 7 to 15 digits in 2 to 5 groups separated by a space, <c>-</c>,
/// <c>.</c> or parentheses (groups after the first at least 2 digits), or a <c>+</c> followed by 7 to 15 digits;
/// dates (<c>2015-03-01</c>) and decimals (<c>3.14159265</c>) are not phone numbers.
/// </remarks>
internal static class PiiText
{
    /// <summary>Placeholder for an e-mail address.</summary>
    public static ReadOnlySpan<byte> Email => "<email>"u8;

    /// <summary>Placeholder for a phone number.</summary>
    public static ReadOnlySpan<byte> Phone => "<phone>"u8;

    /// <summary>
    /// Replaces the username in URL paths: the segment after <c>/users/</c> or <c>/accounts/</c>, after
    /// <c>/u/</c> at the start of the path, and the value of a <c>username=</c> query parameter.
    /// </summary>
    public static bool ReplaceUrlUsernames(ReadOnlySpan<byte> text, Utf8JsonBuilder output, IUsernameReplacer replacer)
    {
        // Every marker holds a '/' or a '=': one vectorised search rules out most strings (times, ids, names)
        // before four substring searches.
        if (text.IndexOfAny((byte)'/', (byte)'=') < 0
            || (text.IndexOf("/users/"u8) < 0 && text.IndexOf("/accounts/"u8) < 0 && text.IndexOf("/u/"u8) < 0 && text.IndexOf("username="u8) < 0))
        {
            return false;
        }

        bool changed = false;
        int copied = 0;
        int i = 0;
        while (i < text.Length)
        {
            int skip = MarkerAt(text, i);
            if (skip == 0)
            {
                i++;
                continue;
            }

            int start = i + skip;
            int end = start;
            while (end < text.Length && text[end] is not ((byte)'/' or (byte)'?' or (byte)'&' or (byte)'#' or (byte)' '))
            {
                end++;
            }

            if (end > start)
            {
                output.Append(text[copied..start]);
                AppendReplacement(text[start..end], output, replacer);
                copied = end;
                changed = true;
            }

            i = end;
        }

        if (changed)
        {
            output.Append(text[copied..]);
        }

        return changed;
    }

    /// <summary>
    /// Replaces a username taken from a URL. A percent-encoded one (<c>Jos%C3%A9</c>) is decoded first, so that it
    /// gets the same pseudonym as the <c>username</c> field (<c>José</c>); one that does not decode to UTF-8 is
    /// replaced as it stands.
    /// </summary>
    private static void AppendReplacement(ReadOnlySpan<byte> segment, Utf8JsonBuilder output, IUsernameReplacer replacer)
    {
        if (segment.IndexOf((byte)'%') < 0)
        {
            replacer.AppendReplacement(segment, output);
            return;
        }

        Span<byte> decoded = segment.Length <= 256 ? stackalloc byte[segment.Length] : new byte[segment.Length];
        int n = 0;
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == (byte)'%' && i + 2 < segment.Length
                && Convert.FromHexString(segment.Slice(i + 1, 2), decoded.Slice(n, 1), out _, out _) == System.Buffers.OperationStatus.Done)
            {
                n++;
                i += 2;
            }
            else
            {
                decoded[n++] = segment[i];
            }
        }

        replacer.AppendReplacement(System.Text.Unicode.Utf8.IsValid(decoded[..n]) ? decoded[..n] : segment, output);
    }

    private static int MarkerAt(ReadOnlySpan<byte> text, int i)
    {
        ReadOnlySpan<byte> rest = text[i..];
        if (rest.StartsWith("/users/"u8))
        {
            return 7;
        }

        if (rest.StartsWith("/accounts/"u8))
        {
            return 10;
        }

        if (rest.StartsWith("/u/"u8) && IsPathStart(text, i))
        {
            return 3; // the learner profile page, /u/NAME
        }

        if (rest.StartsWith("username="u8) && (i == 0 || text[i - 1] is (byte)'?' or (byte)'&'))
        {
            return 9;
        }

        return 0;
    }

    /// <summary>True when <paramref name="i"/> is where a URL's path starts: the text's start, or just after <c>scheme://host</c>.</summary>
    private static bool IsPathStart(ReadOnlySpan<byte> text, int i)
    {
        if (i == 0)
        {
            return true;
        }

        int scheme = text[..i].IndexOf("://"u8);
        return scheme >= 0 && text[(scheme + 3)..i].IndexOf((byte)'/') < 0;
    }

    /// <summary>Replaces e-mail addresses with <see cref="Email"/> and phone numbers with <see cref="Phone"/>.</summary>
    public static bool ReplaceContacts(ReadOnlySpan<byte> text, Utf8JsonBuilder output)
    {
        if (text.IndexOfAnyInRange((byte)'0', (byte)'9') < 0 && text.IndexOf((byte)'@') < 0)
        {
            return false;
        }

        bool changed = false;
        int copied = 0;
        int i = 0;
        while (i < text.Length)
        {
            byte b = text[i];
            int start;
            int end;
            if (b == (byte)'@' && TryEmail(text, i, out start, out end) && start >= copied)
            {
                output.Append(text[copied..start]);
                output.Append(Email);
            }
            else if ((IsDigit(b) || b is (byte)'+' or (byte)'(') && !ContinuesNumber(text, i) && TryPhone(text, i, out end))
            {
                start = i;
                output.Append(text[copied..start]);
                output.Append(Phone);
            }
            else
            {
                i++;
                continue;
            }

            copied = end;
            i = end;
            changed = true;
        }

        if (changed)
        {
            output.Append(text[copied..]);
        }

        return changed;
    }

    private static bool TryEmail(ReadOnlySpan<byte> text, int at, out int start, out int end)
    {
        start = at;
        while (start > 0 && IsLocal(text[start - 1]))
        {
            start--;
        }

        end = at + 1;
        int lastDot = -1;
        while (end < text.Length && (IsAlnum(text[end]) || text[end] is (byte)'-' or (byte)'.'))
        {
            if (text[end] == (byte)'.')
            {
                lastDot = end;
            }

            end++;
        }

        while (end > at + 1 && text[end - 1] == (byte)'.')
        {
            end--;
            lastDot = text[..end].LastIndexOf((byte)'.');
        }

        if (start == at || lastDot <= at + 1 || end - lastDot - 1 < 2)
        {
            return false;
        }

        for (int k = lastDot + 1; k < end; k++)
        {
            if (!IsLetter(text[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryPhone(ReadOnlySpan<byte> text, int begin, out int end)
    {
        int i = begin;
        bool plus = text[i] == (byte)'+';
        if (plus)
        {
            i++;
        }

        int digits = 0;
        int groups = 0;
        int groupDigits = 0;
        int shortLaterGroups = 0;
        int dots = 0;
        int others = 0;
        int pendingDots = 0;
        int pendingOthers = 0;
        int lastDigit = -1;
        Span<int> sizes = stackalloc int[3];
        for (; i < text.Length; i++)
        {
            byte b = text[i];
            if (IsDigit(b))
            {
                if (groupDigits == 0)
                {
                    // Separators count only between groups, not after the last one.
                    dots += pendingDots;
                    others += pendingOthers;
                    pendingDots = 0;
                    pendingOthers = 0;
                }

                digits++;
                groupDigits++;
                lastDigit = i;
                continue;
            }

            if (b is (byte)' ' or (byte)'-' or (byte)'.' or (byte)'(' or (byte)')' or (byte)'/')
            {
                if (groupDigits > 0)
                {
                    CloseGroup(ref groups, ref shortLaterGroups, groupDigits, sizes);
                    groupDigits = 0;
                }

                // Two separators in a row other than ") " or " (" end the number.
                if (i > begin && !IsDigit(text[i - 1]) && !(text[i - 1] == (byte)')' && b == (byte)' ') && !(text[i - 1] == (byte)' ' && b == (byte)'('))
                {
                    if (text[i - 1] != (byte)'(' || i - 1 != begin)
                    {
                        break;
                    }
                }

                pendingDots += b == (byte)'.' ? 1 : 0;
                pendingOthers += b is (byte)' ' or (byte)'-' or (byte)'(' or (byte)')' ? 1 : 0;
                continue;
            }

            break;
        }

        if (groupDigits > 0)
        {
            CloseGroup(ref groups, ref shortLaterGroups, groupDigits, sizes);
        }

        end = lastDigit + 1;
        if (lastDigit < 0 || digits < 7 || digits > 15 || (end < text.Length && IsWord(text[end])))
        {
            return false;
        }

        if (end + 1 < text.Length && text[end] is (byte)'-' or (byte)'.' or (byte)'/' or (byte)':' && IsWord(text[end + 1]))
        {
            return false; // goes on as a UUID, id or path: not a phone number
        }

        if (plus)
        {
            return shortLaterGroups == 0 && groups <= 5;
        }

        if (groups < 2 || groups > 5 || shortLaterGroups > 0)
        {
            return false;
        }

        bool date = groups >= 3 && sizes[0] == 4 && sizes[1] == 2 && sizes[2] == 2;
        bool dateBackwards = groups >= 3 && sizes[0] == 2 && sizes[1] == 2 && sizes[2] == 4;
        bool decimalNumber = groups == 2 && dots == 1 && others == 0;
        return !date && !dateBackwards && !decimalNumber;
    }

    private static void CloseGroup(ref int groups, ref int shortLaterGroups, int groupDigits, Span<int> sizes)
    {
        if (groups < sizes.Length)
        {
            sizes[groups] = groupDigits;
        }

        if (groups > 0 && groupDigits < 2)
        {
            shortLaterGroups++;
        }

        groups++;
    }

    /// <summary>True when position <paramref name="i"/> is inside a word or a digit run already scanned (<c>9</c> in <c>7 9</c>).</summary>
    private static bool ContinuesNumber(ReadOnlySpan<byte> text, int i)
    {
        if (i == 0)
        {
            return false;
        }

        byte before = text[i - 1];
        return IsWord(before)
            || (before is (byte)' ' or (byte)'-' or (byte)'.' or (byte)'(' or (byte)')' or (byte)'/' or (byte)'+' && i > 1 && IsDigit(text[i - 2]))
            || (before is (byte)'-' or (byte)'.' or (byte)'/' or (byte)':' && i > 1 && IsWord(text[i - 2])); // inside a UUID, id or path
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsAlnum(byte b) => IsDigit(b) || IsLetter(b);

    private static bool IsWord(byte b) => IsAlnum(b) || b == (byte)'_' || b >= 0x80;

    private static bool IsLocal(byte b) => IsAlnum(b) || b is (byte)'.' or (byte)'_' or (byte)'%' or (byte)'+' or (byte)'-';
}
