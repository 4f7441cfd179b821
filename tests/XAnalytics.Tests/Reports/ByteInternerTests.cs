using System.Text;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>The problem tables' shared texts: one array per text, equal texts share it, and the table stops growing at its bound.</summary>
public sealed class ByteInternerTests
{
    [Fact]
    public void Intern_EqualTexts_ShareOneArray()
    {
        var texts = new ByteInterner();
        byte[] a = texts.Intern(Encoding.UTF8.GetBytes("{\"answers\":{\"p_2_1\":\"choice_1\"}}"));
        byte[] b = texts.Intern(Encoding.UTF8.GetBytes("{\"answers\":{\"p_2_1\":\"choice_1\"}}"));
        byte[] c = texts.Intern(Encoding.UTF8.GetBytes("{\"answers\":{\"p_2_1\":\"choice_2\"}}"));

        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Equal("{\"answers\":{\"p_2_1\":\"choice_2\"}}", Encoding.UTF8.GetString(c));
    }

    [Fact]
    public void Intern_WithItsHashGiven_SharesTheArrayInternWithoutOneMade()
    {
        var texts = new ByteInterner();
        byte[] text = Encoding.UTF8.GetBytes("{\"answers\":{\"p_2_1\":\"choice_3\"}}");
        byte[] a = texts.Intern(text);
        byte[] b = texts.Intern(text, System.IO.Hashing.XxHash3.HashToUInt64(text));
        byte[] c = texts.Intern("{}"u8, System.IO.Hashing.XxHash3.HashToUInt64("{}"u8));

        Assert.Same(a, b);
        Assert.Same(c, texts.Intern("{}"u8));
        Assert.Equal("{}"u8.ToArray(), c);
    }

    [Fact]
    public void Intern_PastTheBound_CopiesWithTheSameText()
    {
        var texts = new ByteInterner();
        for (int i = 0; i < ByteInterner.MaxTexts; i++)
        {
            _ = texts.Intern(BitConverter.GetBytes(i));
        }

        // The table is full: a new text is a copy of its own each time, still with the right bytes; known ones are shared.
        byte[] first = texts.Intern("new"u8);
        byte[] second = texts.Intern("new"u8);
        Assert.NotSame(first, second);
        Assert.Equal("new"u8.ToArray(), second);
        Assert.Same(texts.Intern(BitConverter.GetBytes(7)), texts.Intern(BitConverter.GetBytes(7)));
    }

    [Fact]
    public void Release_ByTheLastHolder_DropsTheText()
    {
        var texts = new ByteInterner();
        byte[] text = Encoding.UTF8.GetBytes("{\"answers\":{\"p_2_1\":\"choice_4\"}}");
        ulong hash = System.IO.Hashing.XxHash3.HashToUInt64(text);
        byte[] a = texts.Intern(text, hash);
        byte[] b = texts.Intern(text, hash);
        Assert.Same(a, b);

        texts.Release(a, hash);
        Assert.Equal(1, texts.Count);
        Assert.Same(a, texts.Intern(text, hash));
        texts.Release(a, hash);
        texts.Release(a, hash);

        // Its two holders gone, the table no longer holds it: interning it again makes a new shared array.
        Assert.Equal(0, texts.Count);
        byte[] again = texts.Intern(text, hash);
        Assert.NotSame(a, again);
        Assert.Equal(text, again);
    }

    [Fact]
    public void Release_OfACopyNotInTheTable_LeavesTheSharedTextHeld()
    {
        var texts = new ByteInterner();
        byte[] text = Encoding.UTF8.GetBytes("{\"answers\":{\"p_2_1\":\"choice_5\"}}");
        ulong hash = System.IO.Hashing.XxHash3.HashToUInt64(text);
        byte[] shared = texts.Intern(text, hash);

        texts.Release(text, hash);

        Assert.Equal(1, texts.Count);
        Assert.Same(shared, texts.Intern(text, hash));
    }
}
