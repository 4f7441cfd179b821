namespace XAnalytics.Reports;

/// <summary>One learner's first and last submissions to one problem in <see cref="AnswerDistributionSection"/> (edX's first reducer keeps only these).</summary>
/// <remarks>
/// A learner's submissions come in time order mostly, so the last one's buffer is reused rather than reallocated;
/// while the first and last are one submission they share one buffer, and the last gets its own when it moves on.
/// The display name (<c>context.module.display_name</c>) is kept as its UTF-8 bytes, made text at the end.
/// </remarks>
internal sealed class AnswerDistributionState(byte[] problemId)
{
    private byte[] _first = [];
    private int _firstLength;
    private byte[]? _firstName;
    private byte[] _last = [];
    private int _lastLength;
    private byte[]? _lastName;

    /// <summary>The <c>problem_id</c> (unescaped UTF-8).</summary>
    public byte[] ProblemId { get; } = problemId;

    public long FirstTicks { get; private set; } = long.MaxValue;

    public ReadOnlyMemory<byte> FirstEvent => _first.AsMemory(0, _firstLength);

    public ReadOnlySpan<byte> FirstDisplayName => _firstName;

    public bool HasFirstDisplayName => _firstName is not null;

    public long LastTicks { get; private set; } = long.MinValue;

    public ReadOnlyMemory<byte> LastEvent => _last.AsMemory(0, _lastLength);

    public ReadOnlySpan<byte> LastDisplayName => _lastName;

    public bool HasLastDisplayName => _lastName is not null;

    /// <summary>Offers a submission as first and last (ties on time go by the event's text, as edX sorts (timestamp, json) pairs; <paramref name="texts"/>: the partial's shared display names).</summary>
    public void Offer(long ticks, ReadOnlySpan<byte> data, bool hasName, ReadOnlySpan<byte> displayName, ByteInterner texts)
        => Offer(ticks, data, hasName, displayName, ticks, data, hasName, displayName, texts);

    /// <summary>Offers a partial's first and last submissions (<paramref name="texts"/>: the partial's shared display names).</summary>
    public void Offer(
        long firstTicks, ReadOnlySpan<byte> first, bool hasFirstName, ReadOnlySpan<byte> firstName,
        long lastTicks, ReadOnlySpan<byte> last, bool hasLastName, ReadOnlySpan<byte> lastName, ByteInterner texts)
    {
        bool newFirst = firstTicks < FirstTicks || (firstTicks == FirstTicks && first.SequenceCompareTo(FirstEvent.Span) < 0);
        bool newLast = lastTicks > LastTicks || (lastTicks == LastTicks && last.SequenceCompareTo(LastEvent.Span) > 0);
        if (newFirst)
        {
            // A new first never overwrites a buffer the last shares: it gets its own.
            FirstTicks = firstTicks;
            _first = first.ToArray();
            _firstLength = first.Length;
            _firstName = hasFirstName ? Same(_firstName, firstName, texts) : null;
        }

        if (newLast)
        {
            LastTicks = lastTicks;
            if (newFirst && last.SequenceEqual(first))
            {
                _last = _first;
            }
            else
            {
                if (ReferenceEquals(_last, _first) || _last.Length < last.Length)
                {
                    _last = new byte[last.Length];
                }

                last.CopyTo(_last);
            }

            _lastLength = last.Length;
            _lastName = hasLastName ? Same(_lastName, lastName, texts) : null;
        }
    }

    /// <summary>The name's bytes: the ones held when equal (the usual case), else the partial's shared copy.</summary>
    private static byte[] Same(byte[]? held, ReadOnlySpan<byte> name, ByteInterner texts) => held is not null && name.SequenceEqual(held) ? held : texts.Intern(name);
}
