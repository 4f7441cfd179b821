namespace XAnalytics.Generation;

/// <summary>How varied the generated <c>event_type</c> values are (<see cref="GeneratorOptions.Shape"/>).</summary>
public enum ArchiveShape
{
    /// <summary>
    /// Implicit page events name a few hundred URL paths (the course pages, sequentials and video handlers of
    /// each course): about 600 distinct <c>event_type</c> values in an archive of any size.
    /// </summary>
    Synthetic,

    /// <summary>
    /// As real edX logs: most implicit page events name a URL of their own (a forum thread, an XBlock handler of
    /// one block), drawn from a pool twice the archive's size, so distinct <c>event_type</c> values grow with the
    /// archive (about 0.4 per event: some 380,000 in 1,000,000 events). Pair it with many learners
    /// (<see cref="GeneratorOptions.Learners"/> 50,000 or more) for real logs' cardinality.
    /// </summary>
    RealLog,
}
