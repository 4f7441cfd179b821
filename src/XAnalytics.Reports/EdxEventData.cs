using System.Buffers;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;

namespace XAnalytics.Reports;

/// <summary>
/// edX's <c>eventlog.get_event_data</c> (<c>edx/analytics/tasks/util/eventlog.py</c>): whether an event has event data
/// (a dict) at all, which every edX analysis requires before it reads the event. One per worker thread (it owns its
/// buffers).
/// </summary>
internal sealed class EdxEventData
{
    private static readonly FieldPath s_event = FieldPath.Parse("event");
    private static readonly SearchValues<byte> s_zeroNumber = SearchValues.Create("0.-+eE"u8);
    private byte[] _text = new byte[1024];
    private TopField[] _fields = new TopField[32];

    /// <summary>
    /// True when <c>get_event_data</c> returns a dict: <c>event</c> is an object, or the empty string (edX's <c>{}</c>), or
    /// a string holding one whole JSON object, unless it is 512 characters long and holds <c>POST</c> (the tracking
    /// middleware's cut implicit event). Missing, null, a list, a number, or a string that is no object: false.
    /// </summary>
    public bool HasData(EventBatch batch, int i)
    {
        if (!batch.TryGetField(i, s_event, out FieldValue v))
        {
            return false;
        }

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

        if (v.HasEscapes)
        {
            if (_text.Length < text.Length)
            {
                _text = new byte[Math.Max(text.Length, _text.Length * 2)];
            }

            text = _text.AsSpan(0, JsonBytes.Unescape(text, _text));
        }

        if (text.IndexOf("POST"u8) >= 0 && Encoding.UTF8.GetCharCount(text) == 512)
        {
            return false;
        }

        ReadOnlySpan<byte> trimmed = text.Trim(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] == (byte)'{' && trimmed[^1] == (byte)'}'
            && EventIndexer.TryIndex(trimmed, ref _fields, out _, out _) is null;
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
