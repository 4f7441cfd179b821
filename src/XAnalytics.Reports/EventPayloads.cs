using XAnalytics.Events;
using XAnalytics.Formats;

namespace XAnalytics.Reports;

/// <summary>
/// The <c>event</c> payloads of one batch's events, each opened (edX's <c>get_event_data</c>, see
/// <see cref="EdxEventData"/>) at most once for every section of the run: one per worker thread, owned by
/// <see cref="EventFacts"/>' reader and cleared with its facts when the thread reads another batch. An event is opened
/// the first time a section asks for it (most events are read by no section): a browser event's string is unescaped
/// once into this cache's text pool and its members indexed once into its field pool; a server event's object is indexed
/// where it stands in the batch. Before, each section opened the payload again (and <see cref="EventBatch.TryGetField"/>
/// decoded the string again for each member).
/// </summary>
/// <remarks>
/// A section takes the payloads with its facts, once per batch: <c>_facts.Read(batch, out EventPayloads payloads)</c>,
/// then per event <c>payloads.TryOpen(batch, i, out EdxEventData ev) &amp;&amp; ev.TryGet("id"u8, out FieldValue v)</c>
/// in place of <see cref="EdxEventData.TryOpen(EventBatch, int, ref byte[], ref TopField[], out EdxEventData)"/> with its own buffers, or of <see cref="EventBatch.TryGetField"/> with an
/// <c>event.*</c> path (the same answers: a test holds the three together on edX's acceptance logs).
/// The pools only grow within a batch; a pool that grows is copied, so the spans handed out before still read the old
/// array, which holds the same bytes: every <see cref="EdxEventData"/> stays valid until the thread's next batch.
/// </remarks>
internal sealed class EventPayloads
{
    private const byte Unknown = 0, Opened = 1, Missing = 2;

    private byte[] _state = new byte[EventBatch.DefaultMaxEvents];
    private Payload[] _payloads = new Payload[EventBatch.DefaultMaxEvents];
    private byte[] _text = new byte[64 * 1024];
    private int _textUsed;
    private TopField[] _fields = new TopField[4096];
    private int _fieldsUsed;
    private TopField[] _scratch = new TopField[64];
    private EventBatch? _batch;
    private EventFact[] _facts = [];

    /// <summary>
    /// Forgets the payloads of the last batch: the thread now reads <paramref name="batch"/>, whose facts are read into
    /// <paramref name="facts"/> before any payload is opened (each opens from its <see cref="EventFact.EventField"/>).
    /// </summary>
    public void Reset(EventBatch batch, EventFact[] facts)
    {
        _facts = facts;
        int count = batch.Count;
        if (_state.Length < count)
        {
            _state = new byte[count];
            _payloads = new Payload[count];
        }
        else
        {
            Array.Clear(_state, 0, count);
        }

        _textUsed = 0;
        _fieldsUsed = 0;
        _batch = batch;
    }

    /// <summary>
    /// Event <paramref name="i"/>'s <c>event</c> (see <see cref="EdxEventData.TryOpen(EventBatch, int, ref byte[], ref TopField[], out EdxEventData)"/>), opened on the first call
    /// for this batch and remembered: false when edX's <c>get_event_data</c> returns None. <paramref name="batch"/>
    /// must be the one last given to <see cref="Reset"/>.
    /// </summary>
    public bool TryOpen(EventBatch batch, int i, out EdxEventData data)
    {
        if (!ReferenceEquals(batch, _batch))
        {
            throw new InvalidOperationException("The payloads are those of another batch.");
        }

        switch (_state[i])
        {
            case Opened:
                data = View(batch, i);
                return true;
            case Missing:
                data = default;
                return false;
        }

        if (!Open(batch, i))
        {
            _state[i] = Missing;
            data = default;
            return false;
        }

        _state[i] = Opened;
        data = View(batch, i);
        return true;
    }

    private EdxEventData View(EventBatch batch, int i)
    {
        ref readonly Payload p = ref _payloads[i];
        ReadOnlySpan<byte> json = p.InLine ? batch.GetUtf8(i).Slice(p.JsonStart, p.JsonLength) : _text.AsSpan(p.JsonStart, p.JsonLength);
        return new EdxEventData(json, _fields.AsSpan(p.FieldStart, p.FieldCount));
    }

    /// <summary>
    /// Opens and remembers event <paramref name="i"/>'s payload through <see cref="EdxEventData.TryOpen(EventBatch, int, ref byte[], int, ref TopField[], out EdxEventData)"/>
    /// (its rules, one copy of them): a decoded string lands in the text pool after what is used, the members in the
    /// scratch index, then kept in the field pool.
    /// </summary>
    private bool Open(EventBatch batch, int i)
    {
        if (!EdxEventData.TryOpen(batch, i, _facts[i].EventField, ref _text, _textUsed, ref _scratch, out EdxEventData data))
        {
            return false;
        }

        ReadOnlySpan<byte> json = data.Json;
        (int Start, int Count) fields = Keep(data.FieldCount);
        if (batch.GetUtf8(i).Overlaps(json, out int inLine))
        {
            _payloads[i] = new Payload(true, inLine, json.Length, fields); // an object, where it stands in the line
        }
        else if (json.IsEmpty)
        {
            _payloads[i] = new Payload(false, 0, 0, fields); // "" is an empty dict
        }
        else
        {
            // A string decoded into the text pool (trimmed of the blanks around its object).
            _ = _text.AsSpan().Overlaps(json, out int start);
            _textUsed = start + json.Length;
            _payloads[i] = new Payload(false, start, json.Length, fields);
        }

        return true;
    }

    /// <summary>Copies the scratch index's first <paramref name="count"/> members into the field pool; returns where they start.</summary>
    private (int Start, int Count) Keep(int count)
    {
        if (_fields.Length - _fieldsUsed < count)
        {
            Array.Resize(ref _fields, Math.Max(_fieldsUsed + count, _fields.Length * 2));
        }

        int start = _fieldsUsed;
        _scratch.AsSpan(0, count).CopyTo(_fields.AsSpan(start));
        _fieldsUsed += count;
        return (start, count);
    }

    /// <summary>Where an opened payload stands: in the event's line (an object) or in the text pool (a decoded string).</summary>
    private readonly record struct Payload(bool InLine, int JsonStart, int JsonLength, int FieldStart, int FieldCount)
    {
        public Payload(bool inLine, int jsonStart, int jsonLength, (int Start, int Count) fields)
            : this(inLine, jsonStart, jsonLength, fields.Start, fields.Count)
        {
        }
    }
}
