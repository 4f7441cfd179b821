using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// A partial's texts (usernames, module ids) by their 64-bit hash (XxHash3), each decoded to a string once: in a table
/// of the partial's own, or in the run's <see cref="SharedTexts"/> (usernames, which every worker of every learner
/// section meets). The last text added is remembered: a learner's events come in runs, and comparing a few bytes is
/// cheaper than hashing and probing (a tenth of the video section's cost per event).
/// </summary>
internal sealed class EdxStringTable
{
    private readonly Dictionary<ulong, string>? _own;
    private readonly SharedTexts? _shared;
    private byte[] _last = new byte[64];
    private int _lastLength = -1;
    private ulong _lastHash;

    /// <summary>A table of the partial's own.</summary>
    public EdxStringTable() => _own = [];

    /// <summary>A partial's view of the run's shared table: its texts are added there, once for all partials.</summary>
    public EdxStringTable(SharedTexts shared) => _shared = shared;

    /// <summary>The text of <paramref name="hash"/>.</summary>
    public string this[ulong hash] => _own is not null ? _own[hash] : _shared![hash];

    /// <summary>The hash of <paramref name="utf8"/>, adding its text when new.</summary>
    public ulong Add(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == _lastLength && utf8.SequenceEqual(_last.AsSpan(0, _lastLength)))
        {
            return _lastHash;
        }

        ulong hash = EdxValues.Hash(utf8);
        Add(hash, utf8);
        if (_last.Length < utf8.Length)
        {
            _last = new byte[Math.Max(utf8.Length, _last.Length * 2)];
        }

        utf8.CopyTo(_last);
        (_lastLength, _lastHash) = (utf8.Length, hash);
        return hash;
    }

    /// <summary>Adds the text of <paramref name="utf8"/> under its hash, <paramref name="hash"/>, when new.</summary>
    public void Add(ulong hash, ReadOnlySpan<byte> utf8)
    {
        if (_own is null)
        {
            _shared!.Add(hash, utf8);
        }
        else if (!_own.ContainsKey(hash))
        {
            _own[hash] = Encoding.UTF8.GetString(utf8);
        }
    }

    /// <summary>Adds a text read from a partial file under its hash, when new.</summary>
    public void Add(ulong hash, string text)
    {
        if (_own is null)
        {
            _shared!.Add(hash, text);
        }
        else
        {
            _own.TryAdd(hash, text);
        }
    }

    /// <summary>Adds another partial's texts (nothing to add when both see the same shared table).</summary>
    public void Merge(EdxStringTable other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._own is null)
        {
            if (!ReferenceEquals(other._shared, _shared))
            {
                throw new InvalidOperationException("Partials of one run share one table of texts.");
            }

            return;
        }

        foreach (KeyValuePair<ulong, string> kv in other._own)
        {
            Add(kv.Key, kv.Value);
        }
    }

    /// <summary>
    /// The texts in ordinal order and each hash's rank (<see cref="TextRanks.Of"/>); a shared table makes them once for
    /// all the sections that ask, and keeps its texts there.
    /// </summary>
    public (string[] Sorted, Dictionary<ulong, int> Rank) Ranks() => _own is null ? _shared!.Ranks() : TextRanks.Of(_own);

    /// <summary>Lets a table of its own drop its texts once they are in its ranks (a shared one keeps them there already).</summary>
    public void Release()
    {
        _own?.Clear();
        _own?.TrimExcess();
    }
}
