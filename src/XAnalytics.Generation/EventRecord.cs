namespace XAnalytics.Generation;

/// <summary>
/// One scheduled line: when, who (through the session), what, plus a seed for the details the
/// writer draws. Details come from <see cref="Seed"/> rather than the scheduling stream so that
/// sorting by time cannot change what an event contains.
/// </summary>
internal struct EventRecord
{
    /// <summary>Microseconds since the Unix epoch.</summary>
    public long Time;

    /// <summary>Scheduling order; breaks time ties so the sort is deterministic.</summary>
    public int Order;

    public int Session;

    public int Item;

    public int Aux;

    public float Value;

    public float Value2;

    public short Course;

    public EventKind Kind;

    public BadKind Bad;

    public ulong Seed;
}
