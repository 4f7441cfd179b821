using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="VideoSection"/>: one per worker thread.</summary>
public sealed class VideoPartial
{
    internal VideoPartial(VideoSpill spill, int blockRecords)
    {
        Spill = spill;
        Owner = spill.NewOwner();
        Owners = [Owner];
        BlockRecords = blockRecords;
    }

    /// <summary>The section's scratch files, shared by its partials.</summary>
    internal VideoSpill Spill { get; }

    /// <summary>This partial's number in <see cref="Spill"/>'s blocks.</summary>
    internal int Owner { get; }

    /// <summary>The owner numbers whose spilled blocks are this partial's: its own and those of the partials merged into it.</summary>
    internal HashSet<int> Owners { get; }

    /// <summary>
    /// The kept video events not yet spilled: a block per learner bucket (<see cref="VideoSpill.Bucket"/>), made at its
    /// first record and written to the scratch files whenever it fills, so a worker holds at most
    /// <see cref="VideoSpill.Buckets"/> blocks whatever the archive's size.
    /// </summary>
    internal VideoKeyedRecord[]?[] Held { get; } = new VideoKeyedRecord[]?[VideoSpill.Buckets];

    /// <summary>The records in each of <see cref="Held"/>'s blocks.</summary>
    internal int[] HeldCounts { get; } = new int[VideoSpill.Buckets];

    /// <summary>Records per block of <see cref="Held"/>.</summary>
    internal int BlockRecords { get; }

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

    /// <summary>The records held for <paramref name="bucket"/>.</summary>
    internal ReadOnlySpan<VideoKeyedRecord> HeldOf(int bucket) => Held[bucket].AsSpan(0, HeldCounts[bucket]);

    /// <summary>Adds a record to its learner's bucket, writing the bucket's block to the scratch files when it fills.</summary>
    internal void Add(in VideoKeyedRecord record)
    {
        int bucket = VideoSpill.Bucket(record.Event.User);
        VideoKeyedRecord[] block = Held[bucket] ??= new VideoKeyedRecord[BlockRecords];
        block[HeldCounts[bucket]++] = record;
        if (HeldCounts[bucket] == block.Length)
        {
            byte[] raw = SpillRaw, compressed = SpillCompressed;
            Spill.Write(bucket, Owner, block, ref raw, ref compressed);
            (SpillRaw, SpillCompressed) = (raw, compressed);
            HeldCounts[bucket] = 0;
        }
    }

    /// <summary>Drops the held blocks (once read, or merged into another partial).</summary>
    internal void ReleaseHeld()
    {
        Array.Clear(Held);
        Array.Clear(HeldCounts);
    }
}
