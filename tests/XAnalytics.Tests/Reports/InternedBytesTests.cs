using System.Text;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>The interning arena of the answer distribution's texts.</summary>
public sealed class InternedBytesTests
{
    [Fact]
    public void Intern_ManyTexts_EqualTextsEqualIdsAndBytesKept()
    {
        var texts = new InternedBytes();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(7);
        for (int i = 0; i < 50_000; i++)
        {
            // Few distinct short texts and many long ones: the table and the bytes both grow several times.
            string text = random.Next(3) == 0 ? "t" + random.Next(50) : new string('x', random.Next(0, 40)) + random.Next(20_000);
            int id = texts.Intern(text);
            if (ids.TryGetValue(text, out int known))
            {
                Assert.Equal(known, id);
            }
            else
            {
                Assert.Equal(ids.Count, id);
                ids.Add(text, id);
            }
        }

        Assert.Equal(ids.Count, texts.Count);
        foreach ((string text, int id) in ids)
        {
            Assert.Equal(text, texts.GetString(id));
            Assert.Equal(id, texts.Intern(Encoding.UTF8.GetBytes(text)));
        }
    }

    [Fact]
    public void Intern_EmptyText_HasAnIdOfNoBytes()
    {
        var texts = new InternedBytes();
        int a = texts.Intern("a"), empty = texts.Intern(string.Empty);
        Assert.NotEqual(a, empty);
        Assert.Equal(empty, texts.Intern(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0, texts[empty].Length);
    }

    [Fact]
    public void CompareOrdinal_RandomTexts_OrdersAsStringCompareOrdinal()
    {
        // ASCII, two-byte, U+E000..U+FFFF (after the surrogates in UTF-16) and supplementary characters.
        string[] pieces = ["a", "b", "é", "\u0800", "\uD7FF", "\uE000", "\uFFFD", "\U0001F600", "\U00010000", "z"];
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            string x = Make(random, pieces), y = Make(random, pieces);
            int expected = Math.Sign(string.CompareOrdinal(x, y));
            Assert.Equal(expected, Math.Sign(InternedBytes.CompareOrdinal(Encoding.UTF8.GetBytes(x), Encoding.UTF8.GetBytes(y))));
        }

        static string Make(Random random, string[] pieces)
        {
            var b = new StringBuilder();
            for (int n = random.Next(0, 4); n > 0; n--)
            {
                b.Append(pieces[random.Next(pieces.Length)]);
            }

            return b.ToString();
        }
    }
}
