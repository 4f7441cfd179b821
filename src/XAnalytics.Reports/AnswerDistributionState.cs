using System.IO.Hashing;

namespace XAnalytics.Reports;

/// <summary>One learner's first and last submissions to one problem in <see cref="AnswerDistributionSection"/> (edX's first reducer keeps only these).</summary>
/// <remarks>
/// The submissions (compacted, see <see cref="ProblemResponseSection.Compact"/>) and display names are the partial's
/// shared copies (<see cref="ByteInterner"/>): learners who gave the same answers hold one array, never written to.
/// The display name (<c>context.module.display_name</c>) is kept as its UTF-8 bytes, made text at the end.
/// </remarks>
internal sealed class AnswerDistributionState(byte[] problemId)
{
    private byte[] _first = [];
    private ulong _firstHash;
    private byte[]? _firstName;
    private byte[] _last = [];
    private ulong _lastHash;
    private byte[]? _lastName;

    /// <summary>The next state whose problem id has the same hash in the partial's table (rare), or null.</summary>
    public AnswerDistributionState? Next { get; init; }

    /// <summary>The <c>problem_id</c> (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long FirstTicks { get; private set; } = long.MaxValue;

    public ReadOnlyMemory<byte> FirstEvent => _first;

    /// <summary>The array <see cref="FirstEvent"/> is (shared by learners who gave the same answers).</summary>
    public byte[] FirstArray => _first;

    public ReadOnlySpan<byte> FirstDisplayName => _firstName;

    public bool HasFirstDisplayName => _firstName is not null;

    /// <summary>The first display name's shared array (null when none).</summary>
    public byte[]? FirstDisplayNameArray => _firstName;

    public long LastTicks { get; private set; } = long.MinValue;

    public ReadOnlyMemory<byte> LastEvent => _last;

    /// <summary>The array <see cref="LastEvent"/> is (shared by learners who gave the same answers).</summary>
    public byte[] LastArray => _last;

    public ReadOnlySpan<byte> LastDisplayName => _lastName;

    public bool HasLastDisplayName => _lastName is not null;

    /// <summary>The last display name's shared array (null when none).</summary>
    public byte[]? LastDisplayNameArray => _lastName;

    /// <summary>Lets go of the first and last submissions once their answers are counted (completion), so their arrays can be freed before the table is dropped.</summary>
    public void DropSubmissions()
    {
        _first = _last = [];
        _firstHash = _lastHash = 0;
    }

    /// <summary>Offers a submission as first and last (ties on time go by the event's text, as edX sorts (timestamp, json) pairs; <paramref name="texts"/>: the partial's shared display names).</summary>
    public void Offer(long ticks, ReadOnlySpan<byte> data, bool hasName, ReadOnlySpan<byte> displayName, ByteInterner texts)
        => Offer(ticks, data, hasName, displayName, ticks, data, hasName, displayName, texts);

    /// <summary>
    /// Offers an event's submission as first and last (<paramref name="dataHash"/>: <c>XxHash3.HashToUInt64(data)</c>,
    /// computed once per event for both problem tables).
    /// </summary>
    public void Offer(long ticks, ReadOnlySpan<byte> data, ulong dataHash, bool hasName, ReadOnlySpan<byte> displayName, ByteInterner texts)
        => Offer(ticks, data, null, dataHash, hasName, displayName, ticks, data, null, dataHash, hasName, displayName, texts);

    /// <summary>Offers a partial's first and last submissions (<paramref name="texts"/>: the partial's shared display names).</summary>
    public void Offer(
        long firstTicks, ReadOnlySpan<byte> first, bool hasFirstName, ReadOnlySpan<byte> firstName,
        long lastTicks, ReadOnlySpan<byte> last, bool hasLastName, ReadOnlySpan<byte> lastName, ByteInterner texts)
        => Offer(firstTicks, first, null, null, hasFirstName, firstName, lastTicks, last, null, null, hasLastName, lastName, texts);

    /// <summary>Merges another partial's state: its first and last submissions offered, their arrays taken rather than copied.</summary>
    public void Offer(AnswerDistributionState from, ByteInterner texts)
        => Offer(from.FirstTicks, from._first, from._first, from._firstHash, from.HasFirstDisplayName, from.FirstDisplayName,
            from.LastTicks, from._last, from._last, from._lastHash, from.HasLastDisplayName, from.LastDisplayName, texts);

    private void Offer(
        long firstTicks, ReadOnlySpan<byte> first, byte[]? firstArray, ulong? firstHash, bool hasFirstName, ReadOnlySpan<byte> firstName,
        long lastTicks, ReadOnlySpan<byte> last, byte[]? lastArray, ulong? lastHash, bool hasLastName, ReadOnlySpan<byte> lastName, ByteInterner texts)
    {
        bool newFirst = firstTicks < FirstTicks || (firstTicks == FirstTicks && first.SequenceCompareTo(FirstEvent.Span) < 0);
        bool newLast = lastTicks > LastTicks || (lastTicks == LastTicks && last.SequenceCompareTo(LastEvent.Span) > 0);
        if (newFirst)
        {
            // Submissions are the partial's shared copies (learners who gave the same answers hold one array).
            FirstTicks = firstTicks;
            // The superseded submission is let go of, so the shared table holds only the first and last ones.
            if (_first.Length > 0)
            {
                texts.Release(_first, _firstHash);
            }

            _firstHash = firstHash ?? XxHash3.HashToUInt64(first);
            _first = firstArray is not null ? texts.Adopt(firstArray, _firstHash) : texts.Intern(first, _firstHash);
            _firstName = hasFirstName ? Same(_firstName, firstName, texts) : null;
        }

        if (newLast)
        {
            LastTicks = lastTicks;
            if (_last.Length > 0)
            {
                texts.Release(_last, _lastHash);
            }

            _lastHash = lastHash ?? XxHash3.HashToUInt64(last);
            _last = lastArray is not null ? texts.Adopt(lastArray, _lastHash) : texts.Intern(last, _lastHash);
            _lastName = hasLastName ? Same(_lastName, lastName, texts) : null;
        }
    }

    /// <summary>The name's bytes: the ones held when equal (the usual case), else the partial's shared copy.</summary>
    private static byte[] Same(byte[]? held, ReadOnlySpan<byte> name, ByteInterner texts) => held is not null && name.SequenceEqual(held) ? held : texts.Intern(name);
}
