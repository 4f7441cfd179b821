namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="VideoSection"/>: one per worker thread.</summary>
public sealed class VideoPartial
{
    internal VideoPartial(BucketSpill<VideoKeyedRecord> spill, int blockRecords) => Records = new HeldRecords<VideoKeyedRecord>(spill, blockRecords);

    /// <summary>The kept video events, by learner bucket: held in blocks, the full ones written to the section's scratch files.</summary>
    internal HeldRecords<VideoKeyedRecord> Records { get; }

    /// <summary>The videos' encoded module ids by hash.</summary>
    internal EdxStringTable Modules { get; } = new();

    /// <summary>A buffer for unescaping ids.</summary>
    internal byte[] Scratch { get; set; } = new byte[256];

    /// <summary>Adds a record to its learner's bucket, writing the bucket's block to the scratch files when it fills.</summary>
    internal void Add(in VideoKeyedRecord record) => Records.AddFor(record.Event.User, record);
}
