using System.Text;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>The run's usernames (<see cref="SharedTexts"/>): each text once by its hash, ranked once for all sections.</summary>
public sealed class SharedTextsTests
{
    private static ulong Hash(string text) => EdxValues.Hash(Encoding.UTF8.GetBytes(text));

    private static void Add(SharedTexts texts, string text) => texts.Add(Hash(text), Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Ranks_OrdinalOrder_MadeOnceForEveryAsker()
    {
        var texts = new SharedTexts();
        foreach (string name in new[] { "bo", "Ann", "ann", "bo", "Émile", "al" })
        {
            Add(texts, name);
        }

        (string[] sorted, Dictionary<ulong, int> rank) = texts.Ranks();

        Assert.Equal(["Ann", "al", "ann", "bo", "Émile"], sorted); // ordinal: capitals first, then by UTF-16 unit
        Assert.Equal(3, rank[Hash("bo")]);
        Assert.Same(sorted, texts.Ranks().Sorted);
        Assert.Same(rank, texts.Ranks().Rank);
    }

    [Fact]
    public void Text_AfterRanks_StillFound_NewTextsRankedAgainWithTheOld()
    {
        var texts = new SharedTexts();
        Add(texts, "carla");
        Add(texts, "ann");
        string[] first = texts.Ranks().Sorted;

        // The table hands its texts to the ranks: they are still its texts.
        Assert.Equal("carla", texts[Hash("carla")]);
        Assert.True(texts.Contains(Hash("ann")));
        Assert.False(texts.Contains(Hash("bo")));
        Assert.Throws<KeyNotFoundException>(() => texts[Hash("bo")]);

        Add(texts, "bo");
        Add(texts, "ann"); // there already: not added twice
        (string[] again, Dictionary<ulong, int> rank) = texts.Ranks();

        Assert.NotSame(first, again);
        Assert.Equal(["ann", "bo", "carla"], again);
        Assert.Equal(1, rank[Hash("bo")]);
        Assert.Equal("bo", texts[Hash("bo")]);
    }

    [Fact]
    public void Texts_OfEveryLengthAndScript_ReadBackAsAdded()
    {
        // The texts are held as UTF-8 in chunks of up to 64 KiB: short ones fill chunks and spill into new ones, a text
        // longer than a chunk gets one of its own, and what follows it starts another.
        var texts = new SharedTexts();
        var names = new List<string>();
        for (int i = 0; i < 20_000; i++)
        {
            names.Add($"l{i}_{new string('x', i % 40)}");
        }

        names.Add(new string('é', 40_000)); // 80,000 bytes
        names.Add("Łukasz_日本_🙂");
        names.Add(new string('z', 65_536)); // exactly one chunk
        names.Add(string.Empty);
        names.Add("after the long ones");
        foreach (string name in names)
        {
            Add(texts, name);
        }

        foreach (string name in names)
        {
            Assert.Equal(name, texts[Hash(name)]);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), texts.Ranks().Sorted);
        foreach (string name in names)
        {
            Assert.Equal(name, texts[Hash(name)]); // from the ranks now
        }
    }

    [Fact]
    public void Texts_AfterAFullChunkInTheirStripe_ReadBackAsAdded()
    {
        // Hashes with the same top bits share a stripe: a text that fills a chunk exactly, then an empty one, then one more.
        var texts = new SharedTexts();
        byte[] full = new byte[64 * 1024];
        full.AsSpan().Fill((byte)'z');
        texts.Add(1, full);
        texts.Add(2, ReadOnlySpan<byte>.Empty);
        Assert.Equal(string.Empty, texts[2]);
        texts.Add(3, "next"u8);
        Assert.Equal(new string('z', full.Length), texts[1]);
        Assert.Equal(string.Empty, texts[2]);
        Assert.Equal("next", texts[3]);
        Assert.Equal(["", "next", new string('z', full.Length)], texts.Ranks().Sorted);
    }

    [Fact]
    public void Add_FromManyThreadsAtOnce_EachTextOnce()
    {
        var texts = new SharedTexts();
        string[] names = [.. Enumerable.Range(0, 5_000).Select(i => $"learner{i:D5}")];

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            // Each worker meets every learner, in its own order, as the workers of a run do.
            for (int i = 0; i < names.Length; i++)
            {
                Add(texts, names[(i + (worker * 613)) % names.Length]);
            }
        });

        Assert.Equal(names, texts.Ranks().Sorted);
    }

    [Fact]
    public async Task Ranks_WhileTextsAreAdded_NoTextLost()
    {
        // No run ranks before its workers are done; if one did, the texts added meanwhile were cleared unranked (a
        // review's probe lost most of 200,000).
        var texts = new SharedTexts();
        string[] names = [.. Enumerable.Range(0, 50_000).Select(i => $"learner{i:D5}")];
        using var done = new ManualResetEventSlim();
        Task adder = Task.Run(() =>
        {
            foreach (string name in names)
            {
                Add(texts, name);
            }

            done.Set();
        });
        while (!done.IsSet)
        {
            _ = texts.Ranks();
        }

        await adder;
        foreach (string name in names)
        {
            Assert.Equal(name, texts[Hash(name)]);
        }

        Assert.Equal(names, texts.Ranks().Sorted);
    }

    [Fact]
    public async Task Ranks_WhileKnownTextsAreAddedAgain_NoTextTwice()
    {
        // A review's probe: an add that checked the ranks before they were published, then took the stripe's lock after
        // the stripe was emptied, added its text again, and the next ranks held it twice (within a second, most runs).
        string[] names = [.. Enumerable.Range(0, 2_000).Select(static i => $"learner{i:D5}")];
        byte[][] utf8 = [.. names.Select(static n => Encoding.UTF8.GetBytes(n))];
        ulong[] hashes = [.. utf8.Select(static b => EdxValues.Hash(b))];
        for (int round = 0; round < 300; round++)
        {
            var texts = new SharedTexts();
            for (int i = 0; i < names.Length; i++)
            {
                texts.Add(hashes[i], utf8[i]);
            }

            using var stop = new ManualResetEventSlim();
            Task[] adders = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            {
                while (!stop.IsSet)
                {
                    for (int i = 0; i < names.Length; i++)
                    {
                        texts.Add(hashes[i], utf8[i]);
                    }
                }
            }))];
            _ = texts.Ranks();
            stop.Set();
            await Task.WhenAll(adders);
            Assert.Equal(names, texts.Ranks().Sorted);
        }
    }

    [Fact]
    public void Release_OnceRowsAreBuilt_TableEmptyAsANewOne()
    {
        var texts = new SharedTexts();
        Add(texts, "ann");
        string[] sorted = texts.Ranks().Sorted;

        texts.Release();

        Assert.Equal(["ann"], sorted); // the rows keep the sorted texts
        Assert.False(texts.Contains(Hash("ann")));
        Assert.Throws<KeyNotFoundException>(() => texts[Hash("ann")]);
        Assert.Empty(texts.Ranks().Sorted); // a report completed again from a new partial names no learner
        Add(texts, "bo");
        Assert.Equal(["bo"], texts.Ranks().Sorted);
    }

    [Fact]
    public void PartialTable_MergesAnotherTablesTexts_SharedTableRefusesAnotherRunsTable()
    {
        var own = new EdxStringTable();
        var other = new EdxStringTable();
        ulong ann = other.Add("ann"u8);
        own.Merge(other);
        Assert.Equal("ann", own[ann]);

        var run = new SharedTexts();
        var a = new EdxStringTable(run);
        var b = new EdxStringTable(run);
        ulong bo = b.Add("bo"u8);
        a.Merge(b); // one table: nothing to add
        Assert.Equal("bo", a[bo]);
        Assert.Throws<InvalidOperationException>(() => a.Merge(new EdxStringTable(new SharedTexts())));
    }
}
