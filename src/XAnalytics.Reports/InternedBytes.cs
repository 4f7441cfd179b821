using System.IO.Hashing;
using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// Texts kept once each as UTF-8 bytes in one growing array, by id (0, 1, 2, ... in the order first interned): equal
/// texts get equal ids, found through an open-addressing table of ids. A text becomes a <see cref="string"/> only when
/// <see cref="GetString"/> is called (when a row is written), so thousands of distinct answers cost their bytes and
/// 12 bytes of bookkeeping each, not a string object and a dictionary entry.
/// </summary>
internal sealed class InternedBytes
{
    private byte[] _bytes = new byte[4096];
    private int[] _starts = new int[65]; // text i is _bytes[_starts[i].._starts[i + 1]]
    private uint[] _hashes = new uint[64];
    private int[] _slots = new int[128]; // id + 1, 0 for empty; at most half full
    private byte[] _scratch = new byte[256];

    /// <summary>The distinct texts interned.</summary>
    public int Count { get; private set; }

    /// <summary>The bytes of all texts.</summary>
    public int Length => _starts[Count];

    /// <summary>The UTF-8 bytes of text <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> this[int id] => _bytes.AsSpan(_starts[id], _starts[id + 1] - _starts[id]);

    /// <summary>Text <paramref name="id"/> as a string (decoded each call).</summary>
    public string GetString(int id) => Encoding.UTF8.GetString(this[id]);

    /// <summary>The id of <paramref name="text"/> (its UTF-8 bytes), added when it is new.</summary>
    public int Intern(string text)
    {
        int length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        return Intern(_scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, _scratch)));
    }

    /// <summary>The id of <paramref name="utf8"/>, added when it is new.</summary>
    public int Intern(ReadOnlySpan<byte> utf8)
    {
        uint hash = (uint)XxHash3.HashToUInt64(utf8);
        int mask = _slots.Length - 1;
        for (int s = (int)hash & mask; ; s = (s + 1) & mask)
        {
            int id = _slots[s] - 1;
            if (id < 0)
            {
                id = Add(utf8, hash);
                _slots[s] = id + 1;
                if (Count * 2 > _slots.Length)
                {
                    Rehash();
                }

                return id;
            }

            if (_hashes[id] == hash && this[id].SequenceEqual(utf8))
            {
                return id;
            }
        }
    }

    /// <summary>
    /// Orders UTF-8 texts as <see cref="string.CompareOrdinal(string, string)"/> orders their strings (UTF-16 code
    /// units): as code points, but for U+E000..U+FFFF, which come after the supplementary planes' surrogates.
    /// </summary>
    public static int CompareOrdinal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = a.CommonPrefixLength(b);
        if (i == a.Length || i == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        // Where they differ, both are at the same character's bytes: its lead byte is the first that is not 10xxxxxx.
        int lead = i;
        while (lead > 0 && (a[lead] & 0xC0) == 0x80)
        {
            lead--;
        }

        bool aHigh = a[lead] >= 0xF0, bHigh = b[lead] >= 0xF0;
        if (aHigh != bHigh && (aHigh ? IsPrivateOrSpecials(b[lead]) : IsPrivateOrSpecials(a[lead])))
        {
            return aHigh ? -1 : 1;
        }

        return a[i].CompareTo(b[i]);

        // U+E000..U+FFFF: three bytes led by 0xEE or 0xEF.
        static bool IsPrivateOrSpecials(byte leadByte) => leadByte is 0xEE or 0xEF;
    }

    private int Add(ReadOnlySpan<byte> utf8, uint hash)
    {
        int at = _starts[Count];
        if (_bytes.Length - at < utf8.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, at + utf8.Length));
        }

        if (Count + 2 > _starts.Length)
        {
            Array.Resize(ref _starts, _starts.Length * 2);
            Array.Resize(ref _hashes, _starts.Length);
        }

        utf8.CopyTo(_bytes.AsSpan(at));
        _hashes[Count] = hash;
        _starts[Count + 1] = at + utf8.Length;
        return Count++;
    }

    private void Rehash()
    {
        int[] slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int id = 0; id < Count; id++)
        {
            int s = (int)_hashes[id] & mask;
            while (slots[s] != 0)
            {
                s = (s + 1) & mask;
            }

            slots[s] = id + 1;
        }

        _slots = slots;
    }
}
