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
    /// Replaces the learner identifiers of URLs, only where an edX route puts one (edx-platform's URL patterns):
    /// the username of <c>/u/NAME</c> (at a path's start or a query value's), <c>/api/user/v0|v1/accounts|preferences/NAME</c>,
    /// <c>/api/mobile/VERSION/users/NAME</c>, <c>/api/profile_images/v1/NAME/</c>, <c>/api/certificates/v0/certificates/NAME/</c>,
    /// <c>/courses/.../submission_history/NAME/</c>, <c>/api/enrollment/v1/enrollment/NAME,</c>,
    /// <c>/api/bookmarks/v1/bookmarks/NAME,</c>, <c>/api/team/v0/team_membership/TEAM,NAME</c>; the user id of
    /// <c>/progress/ID/</c>, <c>/discussion/forum/users/ID</c>, <c>/certificates/user/ID/</c>, <c>/xqueue/ID/</c>; the
    /// query values of <c>username</c>, <c>user</c>, <c>author</c>, <c>student</c>, <c>unique_student_identifier</c>
    /// and <c>user_id</c>; and all of these inside a percent-encoded <c>next</c>, <c>redirect_url</c> or
    /// <c>return_to</c> URL. Other segments (<c>/accounts/login</c>, <c>/courses/X/users</c>) are left alone.
    /// </summary>
    public static bool ReplaceUrlUsernames(ReadOnlySpan<byte> text, Utf8JsonBuilder output, IUsernameReplacer replacer)
    {
        if (!MayHoldUrlIdentifier(text))
        {
            return false;
        }

        bool changed = false;
        int copied = 0;
        int i = 0;
        while (i < text.Length)
        {
            byte b = text[i];
            if (b is not ((byte)'/' or (byte)'?' or (byte)'&'))
            {
                i++;
                continue;
            }

            if (!(b == (byte)'/' ? MatchPath(text, i, out int start, out int end, out UrlPart part) : MatchQuery(text, i + 1, out start, out end, out part)))
            {
                i++;
                continue;
            }

            if (part == UrlPart.NestedUrl)
            {
                if (text[start..end].IndexOf((byte)'%') >= 0 && ReplaceInEncodedUrl(text[start..end], replacer) is { } nested)
                {
                    output.Append(text[copied..start]);
                    output.Append(nested);
                    copied = end;
                    changed = true;
                    i = end;
                }
                else
                {
                    i = start; // a plain URL: its own routes are found as the scan goes on
                }

                continue;
            }

            output.Append(text[copied..start]);
            AppendReplacement(text[start..end], output, replacer, part == UrlPart.UserId);
            copied = end;
            changed = true;
            i = end;
        }

        if (changed)
        {
            output.Append(text[copied..]);
        }

        return changed;
    }

    /// <summary>False when <paramref name="text"/> cannot hold a URL identifier <see cref="ReplaceUrlUsernames"/> replaces.</summary>
    public static bool MayHoldUrlIdentifier(ReadOnlySpan<byte> text)
    {
        // Every route holds a '/' or a '=': one vectorised search rules out most strings (times, ids, names).
        if (text.IndexOfAny((byte)'/', (byte)'=') < 0)
        {
            return false;
        }

        return s_urlMarkerSearch.Contains(text);
    }

    private enum UrlPart : byte
    {
        Username,
        UserId,
        NestedUrl,
    }

    /// <summary>Substrings one of which every route below holds.</summary>
    public static readonly string[] UrlMarkers =
    [
        "/u/", "/api/", "/submission_history/", "/progress/", "/users/", "/certificates/user/", "/xqueue/", "user", "author=", "student", "next=", "redirect_url=", "return_to=",
    ];

    private static readonly Internal.Latin1Search s_urlMarkerSearch = new(UrlMarkers);

    // Routes whose next segment is a username (edx-platform's USERNAME_PATTERN), or a user id.
    private static readonly (byte[] Prefix, UrlPart Part)[] s_pathRoutes =
    [
        .. new (string, UrlPart)[]
        {
            ("/api/user/v1/accounts/", UrlPart.Username), ("/api/user/v0/accounts/", UrlPart.Username),
            ("/api/user/v1/preferences/", UrlPart.Username), ("/api/user/v0/preferences/", UrlPart.Username),
            ("/api/profile_images/v1/", UrlPart.Username), ("/api/certificates/v0/certificates/", UrlPart.Username),
            ("/submission_history/", UrlPart.Username),
            ("/progress/", UrlPart.UserId), ("/discussion/forum/users/", UrlPart.UserId), ("/certificates/user/", UrlPart.UserId),
            ("/xqueue/", UrlPart.UserId),
        }.Select(r => (System.Text.Encoding.UTF8.GetBytes(r.Item1), r.Item2)),
    ];

    // Query parameters whose value is a username (or e-mail), a user id, or a URL of its own.
    private static readonly (byte[] Key, UrlPart Part)[] s_queryKeys =
    [
        .. new (string, UrlPart)[]
        {
            ("username=", UrlPart.Username), ("user=", UrlPart.Username), ("author=", UrlPart.Username), ("student=", UrlPart.Username),
            ("unique_student_identifier=", UrlPart.Username), ("user_id=", UrlPart.UserId),
            ("next=", UrlPart.NestedUrl), ("redirect_url=", UrlPart.NestedUrl), ("return_to=", UrlPart.NestedUrl),
        }.Select(r => (System.Text.Encoding.UTF8.GetBytes(r.Item1), r.Item2)),
    ];

    private static bool MatchPath(ReadOnlySpan<byte> text, int i, out int start, out int end, out UrlPart part)
    {
        ReadOnlySpan<byte> rest = text[i..];
        start = end = 0;
        part = UrlPart.Username;
        if (rest.StartsWith("/u/"u8) && IsPathStart(text, i))
        {
            return Segment(text, i + 3, comma: false, out start, out end); // the learner profile page, /u/NAME
        }

        if (rest.StartsWith("/api/mobile/v"u8))
        {
            // /api/mobile/{v0.5,v1,...}/users/NAME
            int version = rest[12..].IndexOf((byte)'/');
            return version > 0 && rest[(12 + version)..].StartsWith("/users/"u8) && Segment(text, i + 12 + version + 7, comma: false, out start, out end);
        }

        if (rest.StartsWith("/api/enrollment/v1/enrollment/"u8) || rest.StartsWith("/api/bookmarks/v1/bookmarks/"u8))
        {
            // NAME,course_key and NAME,usage_key: only with the comma is the segment a username.
            int at = i + (rest[5] == (byte)'e' ? 30 : 28);
            return Segment(text, at, comma: true, out start, out end) && end < text.Length && text[end] == (byte)',';
        }

        if (rest.StartsWith("/api/team/v0/team_membership/"u8))
        {
            // TEAM,NAME
            int at = i + 29;
            int comma = text[at..].IndexOfAny((byte)',', (byte)'/', (byte)'?');
            return comma > 0 && text[at + comma] == (byte)',' && Segment(text, at + comma + 1, comma: false, out start, out end);
        }

        foreach ((byte[] prefix, UrlPart p) in s_pathRoutes)
        {
            if (rest.StartsWith(prefix))
            {
                part = p;
                return Segment(text, i + prefix.Length, comma: false, out start, out end);
            }
        }

        return false;
    }

    private static bool MatchQuery(ReadOnlySpan<byte> text, int at, out int start, out int end, out UrlPart part)
    {
        start = end = at;
        part = UrlPart.Username;
        ReadOnlySpan<byte> rest = text[at..];
        foreach ((byte[] key, UrlPart p) in s_queryKeys)
        {
            if (rest.StartsWith(key))
            {
                part = p;
                start = at + key.Length;
                end = start;
                while (end < text.Length && text[end] is not ((byte)'&' or (byte)'#' or (byte)' '))
                {
                    end++;
                }

                return end > start;
            }
        }

        return false;
    }

    /// <summary>The path segment from <paramref name="start"/>; false when empty.</summary>
    private static bool Segment(ReadOnlySpan<byte> text, int start, bool comma, out int segmentStart, out int end)
    {
        segmentStart = start;
        end = start;
        while (end < text.Length && text[end] is not ((byte)'/' or (byte)'?' or (byte)'&' or (byte)'#' or (byte)' ' or (byte)'"')
            && !(comma && text[end] == (byte)','))
        {
            end++;
        }

        return end > start;
    }

    /// <summary>A percent-encoded URL (a <c>next</c> value) with its identifiers replaced, encoded again; null when it has none.</summary>
    private static byte[]? ReplaceInEncodedUrl(ReadOnlySpan<byte> value, IUsernameReplacer replacer)
    {
        byte[] decoded = new byte[value.Length];
        int n = PercentDecode(value, decoded);
        var inner = new Utf8JsonBuilder();
        if (!ReplaceUrlUsernames(decoded.AsSpan(0, n), inner, replacer))
        {
            return null;
        }

        var encoded = new List<byte>(inner.Length * 3);
        foreach (byte b in inner.Written)
        {
            if (IsAlnum(b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                encoded.Add(b);
            }
            else
            {
                encoded.Add((byte)'%');
                encoded.Add((byte)"0123456789ABCDEF"[b >> 4]);
                encoded.Add((byte)"0123456789ABCDEF"[b & 15]);
            }
        }

        return [.. encoded];
    }

    private static int PercentDecode(ReadOnlySpan<byte> segment, Span<byte> decoded)
    {
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

        return n;
    }

    /// <summary>
    /// Replaces a username (or, with <paramref name="userId"/>, a user id) taken from a URL. A percent-encoded one
    /// (<c>Jos%C3%A9</c>) is decoded first, so that it gets the same pseudonym as the <c>username</c> field
    /// (<c>José</c>); one that does not decode to UTF-8 is replaced as it stands.
    /// </summary>
    private static void AppendReplacement(ReadOnlySpan<byte> segment, Utf8JsonBuilder output, IUsernameReplacer replacer, bool userId)
    {
        int prefix = userId ? IdentifierFields.UserIdPrefix.Length : 0;
        Span<byte> buffer = segment.Length + prefix <= 256 ? stackalloc byte[segment.Length + prefix] : new byte[segment.Length + prefix];
        IdentifierFields.UserIdPrefix[..prefix].CopyTo(buffer);
        int n = segment.IndexOf((byte)'%') < 0 ? Copy(segment, buffer[prefix..]) : PercentDecode(segment, buffer[prefix..]);
        if (!System.Text.Unicode.Utf8.IsValid(buffer[prefix..(prefix + n)]))
        {
            n = Copy(segment, buffer[prefix..]);
        }

        replacer.AppendReplacement(buffer[..(prefix + n)], output);

        static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
        {
            from.CopyTo(to);
            return from.Length;
        }
    }

    /// <summary>True when <paramref name="i"/> is where a URL's path starts: the text's start, just after <c>scheme://host</c>, or a query value's start.</summary>
    private static bool IsPathStart(ReadOnlySpan<byte> text, int i)
    {
        if (i == 0 || text[i - 1] == (byte)'=')
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
