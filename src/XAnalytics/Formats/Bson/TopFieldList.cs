using System.Text.Json;

namespace XAnalytics.Formats.Bson;

/// <summary>
/// The top-level fields of the JSON a <see cref="BsonDecoder"/> wrote, indexed as the parse stage indexes a line,
/// so a batch read from BSON needs no second pass over its JSON. Reused for every document of a file.
/// </summary>
internal sealed class TopFieldList
{
    private TopField[] _fields = new TopField[32];
    private int _origin;

    public int Count { get; private set; }

    public ReadOnlySpan<TopField> Fields => _fields.AsSpan(0, Count);

    public void Begin(int origin)
    {
        _origin = origin;
        Count = 0;
    }

    public void Add(int keyAt, int keyLength, bool keyEscaped, int valueAt, int valueLength, JsonTokenType kind, bool valueEscaped)
    {
        if (Count == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[Count++] = new TopField
        {
            KeyOffset = keyAt - _origin,
            KeyLength = keyLength,
            KeyEscaped = keyEscaped,
            ValueOffset = valueAt - _origin,
            ValueLength = valueLength,
            Kind = kind,
            ValueEscaped = valueEscaped,
        };
    }
}
