using System.Collections.Concurrent;
using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// The usernames of a report's run by their 64-bit hash (<see cref="EdxValues.Hash"/>), one table for every section
/// that names learners (active users, forum activity, module engagement) and for all their workers, each text decoded
/// once. A table is keyed by the text's hash, so sharing it changes no section's rows: each reads the texts of the
/// hashes its own records hold.
/// </summary>
/// <remarks>
/// Each partial used to hold its own table: three sections times one partial per worker thread, so a learner's name was
/// held six times on two cores and forty-eight times on sixteen. Over 6M events of the real-log shape with 215,889
/// learners the tables were most of what grew during the read (the report peaked at 253-267 MiB; see the README). The
/// ranks (<see cref="Ranks"/>), the texts' ordinal order that the sections sort their rows by, are made once for all of
/// them, and the table lets its texts go to them.
/// </remarks>
internal sealed class SharedTexts
{
    private readonly ConcurrentDictionary<ulong, string> _texts = new();
    private readonly Lock _gate = new();
    private Ranked? _ranks;

    /// <summary>Adds the text of <paramref name="utf8"/> under <paramref name="hash"/>, its hash, unless it is there.</summary>
    public void Add(ulong hash, ReadOnlySpan<byte> utf8)
    {
        if (!Contains(hash))
        {
            _texts.TryAdd(hash, Encoding.UTF8.GetString(utf8));
        }
    }

    /// <summary>Adds a text read from a partial file, unless its hash is there.</summary>
    public void Add(ulong hash, string text)
    {
        if (!Contains(hash))
        {
            _texts.TryAdd(hash, text);
        }
    }

    /// <summary>True when the table has the text of <paramref name="hash"/>.</summary>
    public bool Contains(ulong hash)
    {
        if (_texts.ContainsKey(hash))
        {
            return true;
        }

        return Volatile.Read(ref _ranks) is { } ranks && ranks.Rank.ContainsKey(hash);
    }

    /// <summary>The text of <paramref name="hash"/>.</summary>
    /// <exception cref="KeyNotFoundException">No text has that hash here.</exception>
    public string this[ulong hash]
    {
        get
        {
            if (_texts.TryGetValue(hash, out string? text))
            {
                return text;
            }

            if (Volatile.Read(ref _ranks) is { } ranks && ranks.Rank.TryGetValue(hash, out int rank))
            {
                return ranks.Sorted[rank];
            }

            throw new KeyNotFoundException($"No text with hash {hash:x16}.");
        }
    }

    /// <summary>
    /// The texts in ordinal order and each hash's rank (<see cref="TextRanks.Of"/>), made once for every section that
    /// asks after the read (again, with the new texts, if any were added since). The table keeps its texts in them.
    /// </summary>
    public (string[] Sorted, Dictionary<ulong, int> Rank) Ranks()
    {
        lock (_gate)
        {
            if (_ranks is { } ranks && _texts.IsEmpty)
            {
                return (ranks.Sorted, ranks.Rank);
            }

            if (_ranks is { } earlier)
            {
                foreach (KeyValuePair<ulong, int> kv in earlier.Rank)
                {
                    _texts.TryAdd(kv.Key, earlier.Sorted[kv.Value]);
                }
            }

            KeyValuePair<ulong, string>[] snapshot = _texts.ToArray();
            (string[] sorted, Dictionary<ulong, int> rank) = TextRanks.Of(snapshot);
            Volatile.Write(ref _ranks, new Ranked(sorted, rank)); // before the texts go: a reader finds them in one or the other

            // Only the texts ranked go: one added meanwhile (no caller does today) stays here for the next ranks.
            foreach (KeyValuePair<ulong, string> kv in snapshot)
            {
                _texts.TryRemove(kv);
            }

            return (sorted, rank);
        }
    }

    /// <summary>
    /// Lets the ranks' hash lookup go once every section that names learners has built its rows (the rows keep the
    /// sorted texts): about 28 bytes a learner, 60 MB at two million, that used to be held through the writing.
    /// The table is then empty, as a new one (a report completed again from a new partial names no learner).
    /// </summary>
    public void Release()
    {
        lock (_gate)
        {
            Volatile.Write(ref _ranks, null);
            _texts.Clear();
        }
    }

    private sealed record Ranked(string[] Sorted, Dictionary<ulong, int> Rank);
}
