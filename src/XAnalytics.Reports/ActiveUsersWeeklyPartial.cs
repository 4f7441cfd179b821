namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="ActiveUsersWeeklySection"/>: one per worker thread.</summary>
public sealed class ActiveUsersWeeklyPartial
{
    internal ActiveUsersWeeklyPartial()
    {
    }

    /// <summary>(Monday's day number, username hash) pairs seen, as <see cref="PackedKey"/>s (<see cref="PackedKey.High"/> the week).</summary>
    internal HashSet<PackedKey> Active { get; } = [];

    /// <summary>The usernames by hash.</summary>
    internal Dictionary<ulong, string> Names { get; } = [];

    /// <summary>A buffer for unescaping usernames.</summary>
    internal byte[] Scratch { get; set; } = new byte[64];

    // The last pair added: a learner's events come in runs, which spares most set probes.
    internal int LastWeek { get; set; } = int.MinValue;

    internal ulong LastUser { get; set; }

    // The last pair's username as written in its line (escapes and all); length -1 when unknown.
    private byte[] _lastWritten = new byte[64];
    private int _lastWrittenLength = -1;

    /// <summary>True when <paramref name="written"/> is the last pair's username, as written.</summary>
    internal bool IsLastWritten(ReadOnlySpan<byte> written)
        => written.Length == _lastWrittenLength && written.SequenceEqual(_lastWritten.AsSpan(0, _lastWrittenLength));

    /// <summary>Remembers the last pair's username as written (<paramref name="known"/> false: not known, so never matched).</summary>
    internal void SetLastWritten(bool known, ReadOnlySpan<byte> written)
    {
        if (!known)
        {
            _lastWrittenLength = -1;
            return;
        }

        if (_lastWritten.Length < written.Length)
        {
            _lastWritten = new byte[Math.Max(written.Length, _lastWritten.Length * 2)];
        }

        written.CopyTo(_lastWritten);
        _lastWrittenLength = written.Length;
    }
}
