namespace XAnalytics.Settings;

/// <summary>
/// "Did you mean ...?" for names typed by hand (settings keys, command-line options): the known name nearest a
/// misspelt one by edit distance, when it is near enough to be the one meant.
/// </summary>
public static class NameSuggestions
{
    /// <summary>
    /// The name of <paramref name="known"/> nearest <paramref name="name"/> (Levenshtein distance, case-insensitive,
    /// the first in <paramref name="known"/>'s order on a tie), or null when none is within a third of the longer
    /// name's length (at least 1, at most 3 edits): <c>threds</c> gives <c>threads</c>, <c>colour</c> nothing.
    /// </summary>
    public static string? Nearest(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            int distance = Distance(name, candidate);
            int allowed = Math.Clamp(Math.Max(name.Length, candidate.Length) / 3, 1, 3);
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>The Levenshtein distance (insertions, deletions, substitutions), ignoring ASCII case.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        // Two rows of the dynamic-programming table: the previous and the current.
        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
