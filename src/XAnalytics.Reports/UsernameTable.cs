using System.IO.Hashing;
using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// A worker's usernames as small ids, found by their UTF-8 bytes without allocating once seen (hash, then bytes
/// compared; two names sharing a 64-bit hash are kept apart by their text); <see cref="Name"/> gives the text back.
/// Partials map their ids onto the merged table with <see cref="Add"/>.
/// </summary>
internal sealed class UsernameTable
{
    private readonly Dictionary<ulong, int> _byHash = [];
    private readonly Dictionary<string, int> _collisions = new(StringComparer.Ordinal);
    private readonly List<byte[]> _utf8 = [];
    private readonly List<string> _names = [];

    public int Count => _names.Count;

    public string Name(int id) => _names[id];

    /// <summary>The id of the username written as <paramref name="utf8"/> (unescaped), added when new.</summary>
    public int GetId(ReadOnlySpan<byte> utf8)
    {
        ulong hash = XxHash3.HashToUInt64(utf8);
        if (!_byHash.TryGetValue(hash, out int id))
        {
            id = Append(utf8.ToArray());
            _byHash[hash] = id;
            return id;
        }

        if (utf8.SequenceEqual(_utf8[id]))
        {
            return id;
        }

        string name = Encoding.UTF8.GetString(utf8);
        if (!_collisions.TryGetValue(name, out id))
        {
            id = Append(utf8.ToArray());
            _collisions[name] = id;
        }

        return id;
    }

    /// <summary>The id of <paramref name="name"/>, added when new.</summary>
    public int Add(string name) => GetId(Encoding.UTF8.GetBytes(name));

    private int Append(byte[] utf8)
    {
        _utf8.Add(utf8);
        _names.Add(Encoding.UTF8.GetString(utf8));
        return _names.Count - 1;
    }
}
