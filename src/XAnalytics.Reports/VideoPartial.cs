using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="VideoSection"/>: one per worker thread.</summary>
public sealed class VideoPartial
{
    internal VideoPartial(VideoSpill spill)
    {
        Spill = spill;
        Owner = spill.NewOwner();
        Owners = [Owner];
        for (int b = 0; b < Held.Length; b++)
        {
            Held[b] = new VideoSpill.RecordBuffer();
        }
    }

    /// <summary>The section's scratch files, shared by its partials.</summary>
    internal VideoSpill Spill { get; }

    /// <summary>This partial's number in <see cref="Spill"/>'s blocks.</summary>
    internal int Owner { get; }

    /// <summary>The owner numbers whose spilled blocks are this partial's: its own and those of the partials merged into it.</summary>
    internal HashSet<int> Owners { get; }

    /// <summary>The kept video events not yet spilled, by learner bucket (<see cref="VideoSpill.Bucket"/>), in arrival order.</summary>
    internal VideoSpill.RecordBuffer[] Held { get; } = new VideoSpill.RecordBuffer[VideoSpill.Buckets];

    /// <summary>How many records <see cref="Held"/> holds.</summary>
    internal int HeldCount { get; set; }

    /// <summary>The videos' encoded module ids by hash.</summary>
    internal EdxStringTable Modules { get; } = new();

    /// <summary>A buffer for unescaping ids.</summary>
    internal byte[] Scratch { get; set; } = new byte[256];

    /// <summary>A block of records before and after compression, for spilling.</summary>
    internal byte[] SpillRaw { get; set; } = [];

    /// <inheritdoc cref="SpillRaw"/>
    internal byte[] SpillCompressed { get; set; } = [];

    /// <summary>A browser event's <c>event</c> string, decoded (see <see cref="EdxEventData"/>).</summary>
    internal byte[] DataBuffer { get; set; } = new byte[1024];

    /// <summary>The index of the <c>event</c> object's members.</summary>
    internal TopField[] DataFields { get; set; } = new TopField[32];

    /// <summary>Writes every held record to the scratch files and empties <see cref="Held"/> (keeping its storage).</summary>
    internal void SpillHeld()
    {
        byte[] raw = SpillRaw, compressed = SpillCompressed;
        for (int b = 0; b < Held.Length; b++)
        {
            Spill.Write(b, Owner, Held[b].Span, ref raw, ref compressed);
            Held[b].Clear();
        }

        (SpillRaw, SpillCompressed) = (raw, compressed);
        HeldCount = 0;
    }
}
