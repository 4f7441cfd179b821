using XAnalytics.Events;

namespace XAnalytics.Reports;

/// <summary>A partial of <see cref="VideoSection"/>: one per worker thread.</summary>
public sealed class VideoPartial
{
    private readonly Dictionary<ulong, int> _codeNumbers = [];

    internal VideoPartial(BucketSpill<VideoKeyedRecord> spill, int blockRecords, VideoCodes codes)
    {
        Records = new HeldRecords<VideoKeyedRecord>(spill, blockRecords);
        Codes = codes;
    }

    /// <summary>The kept video events, by learner video bucket: held in blocks, the full ones written to the section's scratch files.</summary>
    internal HeldRecords<VideoKeyedRecord> Records { get; }

    /// <summary>The videos' encoded module ids by hash.</summary>
    internal EdxStringTable Modules { get; } = new();

    /// <summary>The section's YouTube ids (shared by its partials).</summary>
    internal VideoCodes Codes { get; }

    /// <summary>A buffer for unescaping ids.</summary>
    internal byte[] Scratch { get; set; } = new byte[256];

    /// <summary>Adds a record to its learner video's bucket (<see cref="KeyOf"/>), writing the bucket's block to the scratch files when it fills.</summary>
    internal void Add(in VideoKeyedRecord record) => Records.AddFor(KeyOf(record), record);

    /// <summary>What a record's bucket and part are chosen by: its learner and video (<see cref="LearnerBuckets.OfLearnerVideo"/>).</summary>
    internal static long KeyOf(in VideoKeyedRecord record) => LearnerBuckets.OfLearnerVideo(record.Event.User, record.Course, record.Module);

    /// <summary>
    /// The number of a play's <c>code</c> (a JSON string) as edX's <c>youtube_id</c>: 0 for <c>html5</c>, <c>mobile</c>
    /// and <c>hls</c>, else the code as logged (unescaped, not stripped), numbered in <see cref="Codes"/>.
    /// </summary>
    internal int CodeNumber(in FieldValue code)
    {
        byte[] scratch = Scratch;
        ReadOnlySpan<byte> text = EdxValues.UnescapedString(code, ref scratch);
        Scratch = scratch;

        if (text.SequenceEqual("html5"u8) || text.SequenceEqual("mobile"u8) || text.SequenceEqual("hls"u8))
        {
            return 0;
        }

        ulong hash = EdxValues.Hash(text);
        if (!_codeNumbers.TryGetValue(hash, out int number))
        {
            number = Codes.Add(text);
            _codeNumbers.Add(hash, number);
        }

        return number;
    }
}
