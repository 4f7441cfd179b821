using System.Text.Unicode;

namespace XAnalytics.Formats.Json;

/// <summary>
/// Closes the JSON of a line that was cut short, so that what was written before the cut can still be used.
/// </summary>
/// <remarks>
/// One forward scan tracks the open containers and the last <em>safe point</em>: just after a value that is known
/// to be complete (a string, a closed container, or a number or literal followed by a delimiter), or just after
/// an opening bracket. Two candidates, tried in order: when the cut fell inside a string value, that string is
/// closed (a partial escape or UTF-8 sequence at its end dropped); otherwise, or when that does not parse, the
/// line is cut back to the last safe point, which drops a dangling key, colon, comma or unfinished number.
/// Then the missing brackets are appended, innermost first.
/// </remarks>
internal static class TruncatedJsonRepair
{
    /// <summary>Writes candidate repairs of <paramref name="line"/> into <paramref name="output"/>; the caller validates each.</summary>
    /// <returns>The number of candidates (0 to 2); <paramref name="output"/> holds the first, then <paramref name="second"/>.</returns>
    public static int Candidates(ReadOnlySpan<byte> line, Utf8JsonBuilder output, Utf8JsonBuilder second)
    {
        Span<byte> stack = stackalloc byte[256];
        int depth = 0;
        bool inString = false;
        bool stringIsKey = false;
        bool escape = false;
        bool inScalar = false;      // inside a number or literal
        bool expectKey = false;     // in an object, the next string is a key
        int safe = -1;
        int safeDepth = 0;
        for (int i = 0; i < line.Length; i++)
        {
            byte b = line[i];
            if (inString)
            {
                if (escape)
                {
                    escape = false;
                }
                else if (b == (byte)'\\')
                {
                    escape = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                    if (!stringIsKey)
                    {
                        safe = i + 1;
                        safeDepth = depth;
                    }
                }

                continue;
            }

            if (inScalar)
            {
                if (b is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    inScalar = false;
                    safe = i;
                    safeDepth = depth;
                }
                else
                {
                    continue;
                }
            }

            switch (b)
            {
                case (byte)'{' or (byte)'[':
                    if (depth == stack.Length)
                    {
                        return 0;
                    }

                    stack[depth++] = b;
                    expectKey = b == (byte)'{';
                    safe = i + 1;
                    safeDepth = depth;
                    break;
                case (byte)'}' or (byte)']':
                    if (depth == 0)
                    {
                        return 0;
                    }

                    depth--;
                    safe = i + 1;
                    safeDepth = depth;
                    break;
                case (byte)'"':
                    inString = true;
                    stringIsKey = expectKey;
                    expectKey = false;
                    break;
                case (byte)',':
                    expectKey = depth > 0 && stack[depth - 1] == (byte)'{';
                    break;
                case (byte)':' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    break;
                default:
                    inScalar = true;
                    break;
            }
        }

        if (depth == 0 && !inString)
        {
            return 0; // not cut inside the object: nothing to close
        }

        int count = 0;
        Utf8JsonBuilder target = output;
        if (inString && !stringIsKey)
        {
            ReadOnlySpan<byte> text = TrimPartialEnd(line, escape);
            target.Append(text);
            target.Append("\""u8);
            AppendClosers(target, stack[..depth]);
            count++;
            target = second;
        }

        if (safe > 0 && safeDepth > 0)
        {
            ReadOnlySpan<byte> head = line[..safe];
            target.Append(head);
            AppendClosers(target, stack[..safeDepth]);
            count++;
        }

        return count;
    }

    private static ReadOnlySpan<byte> TrimPartialEnd(ReadOnlySpan<byte> line, bool pendingEscape)
    {
        if (pendingEscape)
        {
            return line[..^1];
        }

        // A cut \uXXXX escape: drop the backslash and what follows it.
        int back = line.Length >= 6 ? line.Length - 6 : 0;
        int u = line[back..].LastIndexOf("\\u"u8);
        if (u >= 0 && line.Length - (back + u) < 6 && (back + u == 0 || line[back + u - 1] != (byte)'\\'))
        {
            return line[..(back + u)];
        }

        // A UTF-8 sequence cut in the middle.
        int end = line.Length;
        int lead = end - 1;
        while (lead > 0 && end - lead < 4 && (line[lead] & 0xC0) == 0x80)
        {
            lead--;
        }

        return Utf8.IsValid(line[lead..end]) ? line : line[..lead];
    }

    private static void AppendClosers(Utf8JsonBuilder target, ReadOnlySpan<byte> open)
    {
        for (int d = open.Length - 1; d >= 0; d--)
        {
            target.Append(open[d] == (byte)'{' ? "}"u8 : "]"u8);
        }
    }
}
