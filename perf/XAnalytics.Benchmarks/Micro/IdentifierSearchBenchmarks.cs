using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Internal;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>
/// Desensitize's question for every top-level value without a rule: may it hold an identifier (else it is copied
/// unread)? The search as it was (the bytes widened into a cleared 1,024-char stack buffer, ~30 needles and a
/// backslash in one <see cref="SearchValues{T}"/>: Aho-Corasick, as a one-char needle rules out Teddy), the same
/// needles through <see cref="Latin1Search"/> (backslash apart: Teddy), and the stage's check by kind of value
/// (strings only for URL routes and escapes, objects and arrays for every trigger).
/// </summary>
[Config(typeof(BenchConfig))]
public class IdentifierSearchBenchmarks
{
    private static readonly string[] s_needles = [.. IdentifierFields.Triggers, .. PiiText.UrlMarkers, "\\"];
    private static readonly SearchValues<string> s_widened = SearchValues.Create(s_needles, StringComparison.Ordinal);
    private static readonly Latin1Search s_latin1 = new(s_needles);
    private EventBatch[] _batches = [];

    [GlobalSetup]
    public void Setup() => _batches = MicroFixture.ParsedBatches();

    [Benchmark(Baseline = true)]
    public int WidenedAhoCorasick() => Count(static raw => WidenedContains(raw));

    [Benchmark]
    public int Latin1SearchTeddy() => Count(static raw => s_latin1.Contains(raw));

    [Benchmark]
    public int ByKindOfValue() => Count(static raw => DesensitizeStage.MayHoldIdentifier(raw, isEvent: false));

    private static bool WidenedContains(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[1024];
        if (utf8.Length > chars.Length)
        {
            chars = new char[utf8.Length];
        }

        int length = Encoding.Latin1.GetChars(utf8, chars);
        return chars[..length].IndexOfAny(s_widened) >= 0;
    }

    private delegate bool Check(ReadOnlySpan<byte> raw);

    private int Count(Check check)
    {
        int found = 0;
        foreach (EventBatch batch in _batches)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                ReadOnlySpan<TopField> fields = batch.GetTopFields(i, out ReadOnlySpan<byte> json);
                foreach (TopField field in fields)
                {
                    found += check(json.Slice(field.ValueOffset, field.ValueLength)) ? 1 : 0;
                }
            }
        }

        return found;
    }
}
