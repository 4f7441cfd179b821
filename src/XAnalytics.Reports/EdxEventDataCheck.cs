using System.Buffers;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Internal;

namespace XAnalytics.Reports;

/// <summary>
/// edX's <c>eventlog.get_event_data</c> (<c>edx/analytics/tasks/util/eventlog.py</c>): whether an event has event data
/// (a dict) at all, which every edX analysis requires before it reads the event. One per worker thread (it owns its
/// buffers).
/// </summary>
internal sealed class EdxEventDataCheck
{
    private static readonly FieldPath s_event = FieldPath.Parse("event");
    private static readonly SearchValues<byte> s_zeroNumber = SearchValues.Create("0.-+eE"u8);
    private byte[] _text = new byte[1024];

    /// <summary>
    /// True when <c>get_event_data</c> returns a dict: <c>event</c> is an object, or the empty string (edX's <c>{}</c>), or
    /// a string holding a JSON object, unless it is 512 characters long and holds <c>POST</c> (the tracking middleware's
    /// cut implicit event). Missing, null, a list, a number, or a string that is no object: false. A string is taken
    /// to hold an object when it starts with <c>{</c> and ends with <c>}</c> (white space aside); one that does but is
    /// not valid JSON counts as data here and not in edX.
    /// </summary>
    public bool HasData(EventBatch batch, int i)
        => batch.TryGetField(i, s_event, out FieldValue v) && HasData(v);

    /// <summary>
    /// <see cref="HasData(EventBatch, int)"/> for an event whose facts were read: its <c>event</c> field is taken where
    /// <see cref="EventFact.EventField"/> found it, not looked up again.
    /// </summary>
    public bool HasData(EventBatch batch, int i, in EventFact fact)
    {
        if (fact.EventField < 0)
        {
            return false;
        }

        ReadOnlySpan<TopField> top = batch.GetTopFields(i, out ReadOnlySpan<byte> json);
        ref readonly TopField field = ref top[fact.EventField];
        return HasData(new FieldValue(json.Slice(field.ValueOffset, field.ValueLength), field.Kind, field.ValueEscaped));
    }

    private bool HasData(in FieldValue v)
    {
        if (v.Kind == JsonTokenType.StartObject)
        {
            return true;
        }

        if (v.Kind != JsonTokenType.String)
        {
            return false;
        }

        ReadOnlySpan<byte> text = v.Utf8;
        if (text.IsEmpty)
        {
            return true;
        }

        // JSON.stringify wrote these strings: one that opens and closes an object is taken to hold one, without parsing
        // it (measured: parsing every browser event's string cost the forum table more than all its other work).
        ReadOnlySpan<byte> trimmed = text.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{' || trimmed[^1] != (byte)'}')
        {
            return false;
        }

        // The tracking middleware's cut POST bodies are 512 characters holding "POST": edX takes them for no data.
        if (trimmed.Length < 512 || trimmed.IndexOf("POST"u8) < 0)
        {
            return true;
        }

        if (v.HasEscapes)
        {
            if (_text.Length < text.Length)
            {
                _text = new byte[Math.Max(text.Length, _text.Length * 2)];
            }

            text = _text.AsSpan(0, JsonBytes.Unescape(text, _text));
        }

        return Encoding.UTF8.GetCharCount(text) != 512;
    }

    /// <summary>Python's truth of a JSON value found (a non-empty string, a non-zero number, true, a non-empty object or list).</summary>
    public static bool IsTruthy(in FieldValue v) => v.Kind switch
    {
        JsonTokenType.String => !v.Utf8.IsEmpty,
        JsonTokenType.Number => v.Utf8.IndexOfAnyExcept(s_zeroNumber) >= 0,
        JsonTokenType.True => true,
        JsonTokenType.StartObject => v.RawJson.Trim(" \t\r\n"u8).Length > 2,
        JsonTokenType.StartArray => v.RawJson.Trim(" \t\r\n"u8).Length > 2,
        _ => false,
    };
}
