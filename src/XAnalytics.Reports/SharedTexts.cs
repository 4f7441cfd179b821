using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// The usernames of a report's run by their 64-bit hash (<see cref="EdxValues.Hash"/>), one table for every section
/// that names learners (active users, forum activity, module engagement) and for all their workers. A table is keyed
/// by the text's hash, so sharing it changes no section's rows: each reads the texts of the hashes its own records hold.
/// </summary>
/// <remarks>
/// <para>
/// Each partial used to hold its own table: three sections times one partial per worker thread, so a learner's name was
/// held six times on two cores and forty-eight times on sixteen. Over 6M events of the real-log shape with 215,889
/// learners the tables were most of what grew during the read (the report peaked at 253-267 MiB; see the README). The
/// ranks (<see cref="Ranks"/>), the texts' ordinal order that the sections sort their rows by, are made once for all of
/// them, and the table lets its texts go to them.
/// </para>
/// <para>
/// The texts are held as their UTF-8 bytes in chunks of a few stripes, each stripe with its lock and a dictionary from
/// hash to position and length: about 28 bytes a learner besides the name's bytes. A
/// <c>ConcurrentDictionary&lt;ulong, string&gt;</c> took about 95: a 48-byte node, a bucket and a string object per
/// learner, 85 MB at 896,194 learners (a heap dump of the 24M-event run; see the README). They become strings when
/// ranked, the only time every text is read.
/// </para>
/// </remarks>
internal sealed class SharedTexts
{
    private const int StripeCount = 32;

    private readonly Stripe[] _stripes;
    private readonly Lock _gate = new();
    private Ranked? _ranks;

    public SharedTexts()
    {
        _stripes = new Stripe[StripeCount];
        for (int i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <summary>Adds the text of <paramref name="utf8"/> under <paramref name="hash"/>, its hash, unless it is there.</summary>
    public void Add(ulong hash, ReadOnlySpan<byte> utf8)
    {
        if (Volatile.Read(ref _ranks) is { } ranks && ranks.Rank.ContainsKey(hash))
        {
            return;
        }

        Stripe stripe = StripeOf(hash);
        lock (stripe.Gate)
        {
            // Again under the stripe's lock: ranks published (and this stripe emptied) since the check above already hold it.
            if (Volatile.Read(ref _ranks) is { } now && now.Rank.ContainsKey(hash))
            {
                return;
            }

            stripe.TryAdd(hash, utf8);
        }
    }

    /// <summary>Adds a text read from a partial file, unless its hash is there.</summary>
    public void Add(ulong hash, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Contains(hash))
        {
            return;
        }

        Add(hash, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>True when the table has the text of <paramref name="hash"/>.</summary>
    public bool Contains(ulong hash)
    {
        Stripe stripe = StripeOf(hash);
        lock (stripe.Gate)
        {
            if (stripe.Positions.ContainsKey(hash))
            {
                return true;
            }
        }

        return Volatile.Read(ref _ranks) is { } ranks && ranks.Rank.ContainsKey(hash);
    }

    /// <summary>The text of <paramref name="hash"/>.</summary>
    /// <exception cref="KeyNotFoundException">No text has that hash here.</exception>
    public string this[ulong hash]
    {
        get
        {
            Stripe stripe = StripeOf(hash);
            lock (stripe.Gate)
            {
                if (stripe.Positions.TryGetValue(hash, out (int At, int Length) text))
                {
                    return stripe.Text(text.At, text.Length);
                }
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
            // The texts of each stripe as it is now, then the ranked ones (a second ranking ranks them with the new).
            var texts = new List<KeyValuePair<ulong, string>>();
            int[] taken = new int[_stripes.Length];
            for (int s = 0; s < _stripes.Length; s++)
            {
                Stripe stripe = _stripes[s];
                lock (stripe.Gate)
                {
                    foreach ((ulong hash, (int at, int length)) in stripe.Positions)
                    {
                        texts.Add(new(hash, stripe.Text(at, length)));
                    }

                    taken[s] = stripe.Positions.Count;
                }
            }

            if (_ranks is { } earlier)
            {
                if (texts.Count == 0)
                {
                    return (earlier.Sorted, earlier.Rank);
                }

                foreach (KeyValuePair<ulong, int> kv in earlier.Rank)
                {
                    texts.Add(new(kv.Key, earlier.Sorted[kv.Value]));
                }
            }

            (string[] sorted, Dictionary<ulong, int> rank) = TextRanks.OfInPlace(texts);
            texts.Clear();
            Volatile.Write(ref _ranks, new Ranked(sorted, rank)); // before the texts go: a reader finds them in one or the other

            // Only the texts ranked go: a stripe that gained one meanwhile (no caller adds then today) keeps its new ones
            // for the next ranks; the others start again empty, their chunks let go.
            for (int s = 0; s < _stripes.Length; s++)
            {
                Stripe stripe = _stripes[s];
                lock (stripe.Gate)
                {
                    if (stripe.Positions.Count == taken[s])
                    {
                        stripe.Reset();
                    }
                    else
                    {
                        foreach (ulong hash in rank.Keys)
                        {
                            _ = stripe.Positions.Remove(hash);
                        }
                    }
                }
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
            foreach (Stripe stripe in _stripes)
            {
                lock (stripe.Gate)
                {
                    stripe.Reset();
                }
            }
        }
    }

    private Stripe StripeOf(ulong hash) => _stripes[(int)(hash >> 59) & (StripeCount - 1)];

    private sealed record Ranked(string[] Sorted, Dictionary<ulong, int> Rank);

    /// <summary>
    /// One stripe's texts: each hash's position (chunk index &lt;&lt; 16 | offset) and length in chunks of up to 64 KiB,
    /// growing from 1 KiB so that a small run holds little; a text longer than a chunk has a chunk of its own. (The
    /// length in the dictionary's entry costs nothing: an entry of a ulong and two ints is 24 bytes, as with one int.)
    /// </summary>
    private sealed class Stripe
    {
        private const int ChunkBits = 16;
        private const int MaxChunk = 1 << ChunkBits;

        private List<byte[]> _chunks = [];
        private int _used;

        public Lock Gate { get; } = new();

        public Dictionary<ulong, (int At, int Length)> Positions { get; private set; } = [];

        /// <summary>Adds <paramref name="utf8"/> under <paramref name="hash"/> unless there: a caller holds <see cref="Gate"/>.</summary>
        public void TryAdd(ulong hash, ReadOnlySpan<byte> utf8)
        {
            if (Positions.ContainsKey(hash))
            {
                return;
            }

            int need = utf8.Length;
            if (need == 0)
            {
                Positions.Add(hash, (0, 0)); // no bytes: nothing to place (a full chunk has no offset left for it)
                return;
            }

            byte[]? chunk = _chunks.Count > 0 ? _chunks[^1] : null;
            if (chunk is null || chunk.Length - _used < need)
            {
                int size = need > MaxChunk ? need : Math.Max(need, Math.Min(MaxChunk, 1024 << (2 * Math.Min(_chunks.Count, 3))));
                if (_chunks.Count >= (1 << (31 - ChunkBits)))
                {
                    throw new InvalidOperationException("More usernames than a report's table holds (2 GiB a stripe).");
                }

                chunk = new byte[size];
                _chunks.Add(chunk);
                _used = 0;
            }

            int at = ((_chunks.Count - 1) << ChunkBits) | _used;
            utf8.CopyTo(chunk.AsSpan(_used));
            _used += need;
            if (_used >= MaxChunk)
            {
                _used = chunk.Length; // a chunk of its own is full: the next text starts another
            }

            Positions.Add(hash, (at, need));
        }

        /// <summary>The text at position <paramref name="at"/>: a caller holds <see cref="Gate"/>.</summary>
        public string Text(int at, int length)
            => length == 0 ? string.Empty : Encoding.UTF8.GetString(_chunks[at >> ChunkBits], at & (MaxChunk - 1), length);

        /// <summary>Empties the stripe and lets its chunks go.</summary>
        public void Reset()
        {
            Positions = [];
            _chunks = [];
            _used = 0;
        }
    }
}
