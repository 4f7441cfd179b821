using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Sources;

/// <summary>
/// The batches of a gzip file held back until the members their lines came from have passed their trailer check
/// (CRC-32 and length), so the lines of a member that fails it are rejected (<see cref="RejectReasons.BadMember"/>)
/// instead of passed on as events. The batch objects are held, never copied.
/// </summary>
/// <remarks>
/// A batch is tagged with the member being inflated when it was sealed: all its lines came from that member or
/// earlier ones, so it is released once that member is verified. Lines of the member before it that share its
/// batch are held (and, if the member fails, rejected) with it. At most <see cref="MaxHeldBatches"/> batches are held
/// (about 4 MiB with the default 256 KiB batches): beyond that the oldest flow on as before, and a failure of their
/// member is reported as a bad file saying how many of its lines were already counted. A file of one member larger
/// than the bound thus costs only the delay of the bound, never more memory.
/// </remarks>
internal sealed class MemberHold(GzipMemberStream stream) : IDisposable
{
    /// <summary>The most batches held back per file being read.</summary>
    public const int MaxHeldBatches = 16;

    private readonly Queue<(EventBatch Batch, int Member)> _held = new();
    private int _earlyMember = -1;
    private long _earlyLines;

    /// <summary>Holds a sealed batch (the holder owns it until it is taken).</summary>
    public void Add(EventBatch batch) => _held.Enqueue((batch, stream.Members));

    /// <summary>The oldest held batch when its member is verified or the bound is exceeded; else null. The caller owns it.</summary>
    public EventBatch? TakeReleased()
    {
        if (!_held.TryPeek(out var oldest))
        {
            return null;
        }

        if (oldest.Member < stream.Members)
        {
            return _held.Dequeue().Batch;
        }

        if (_held.Count > MaxHeldBatches)
        {
            // Its member is not verified yet: count what flows early, for the report should it fail.
            if (oldest.Member != _earlyMember)
            {
                _earlyMember = oldest.Member;
                _earlyLines = 0;
            }

            _earlyLines += oldest.Batch.Count;
            return _held.Dequeue().Batch;
        }

        return null;
    }

    /// <summary>The oldest held batch when its member is verified; else null. The caller owns it.</summary>
    public EventBatch? TakeVerified() => _held.TryPeek(out var oldest) && oldest.Member < stream.Members ? _held.Dequeue().Batch : null;

    /// <summary>Any held batch, oldest first (the file ended with every member verified). The caller owns it.</summary>
    public EventBatch? TakeAny() => _held.TryDequeue(out var next) ? next.Batch : null;

    /// <summary>
    /// Rejects every held line as <see cref="RejectReasons.BadMember"/> (the member in progress failed its check) and
    /// frees the batches. Returns the lines rejected and those of the failed member that had flowed on already.
    /// </summary>
    public (long Rejected, long Early) RejectAll(SourceFile file, RejectLog rejects)
    {
        long rejected = 0;
        while (_held.TryDequeue(out var next))
        {
            using EventBatch batch = next.Batch;
            for (int i = 0; i < batch.Count; i++)
            {
                ReadOnlySpan<byte> raw = batch.GetUtf8(i);
                rejects.Add(file, batch.GetLineNumber(i), RejectReasons.BadMember, $"gzip member {stream.Members + 1} failed its trailer check", raw[..Math.Min(raw.Length, RejectLog.MaxRawBytes)]);
            }

            rejected += batch.Count;
        }

        return (rejected, _earlyMember == stream.Members ? _earlyLines : 0);
    }

    /// <summary>Frees what is still held (a run cancelled or failed mid-file).</summary>
    public void Dispose()
    {
        while (_held.TryDequeue(out var next))
        {
            next.Batch.Dispose();
        }
    }
}
