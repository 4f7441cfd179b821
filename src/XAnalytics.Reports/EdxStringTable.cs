using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// A partial's texts (usernames, module ids) by their 64-bit hash (XxHash3), each decoded to a string once. The last
/// text added is remembered: a learner's events come in runs, and comparing a few bytes is cheaper than hashing and
/// probing (a tenth of the video section's cost per event).
/// </summary>
internal sealed class EdxStringTable
{
    private byte[] _last = new byte[64];
    private int _lastLength = -1;
    private ulong _lastHash;

    /// <summary>The texts by hash.</summary>
    public Dictionary<ulong, string> Names { get; } = [];

    /// <summary>The hash of <paramref name="utf8"/>, adding its text when new.</summary>
    public ulong Add(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == _lastLength && utf8.SequenceEqual(_last.AsSpan(0, _lastLength)))
        {
            return _lastHash;
        }

        ulong hash = EdxValues.Hash(utf8);
        if (!Names.ContainsKey(hash))
        {
            Names[hash] = Encoding.UTF8.GetString(utf8);
        }

        if (_last.Length < utf8.Length)
        {
            _last = new byte[Math.Max(utf8.Length, _last.Length * 2)];
        }

        utf8.CopyTo(_last);
        (_lastLength, _lastHash) = (utf8.Length, hash);
        return hash;
    }

    /// <summary>Adds another partial's texts.</summary>
    public void Merge(EdxStringTable other)
    {
        foreach (KeyValuePair<ulong, string> kv in other.Names)
        {
            Names.TryAdd(kv.Key, kv.Value);
        }
    }
}
