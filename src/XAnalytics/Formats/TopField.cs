using System.Runtime.InteropServices;
using System.Text.Json;

namespace XAnalytics.Formats;

/// <summary>One top-level field of an event: where its key and value stand in the event's JSON.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct TopField
{
    /// <summary>Offset of the key's first byte, after its opening quote.</summary>
    public int KeyOffset;
    public int KeyLength;
    public int ValueOffset;
    public int ValueLength;
    public JsonTokenType Kind;
    public bool KeyEscaped;
    public bool ValueEscaped;
}
