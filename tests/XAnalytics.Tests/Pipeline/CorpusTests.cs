using XAnalytics.Aggregates;
using XAnalytics.Pipeline;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Pipeline;

/// <summary>
/// The real tracking logs of edX's analytics pipeline acceptance tests, where present: every line is
/// accounted for. Expected figures are computed here from the files' bytes, independently of the engine.
/// </summary>
public sealed class CorpusTests
{
    private sealed record Expected(long NonBlank, long Blank, long Comments, long Bytes, List<(string File, long Line)> CommentLines);

    /// <summary>Splits each file on \n (a last line without one counts), strips one \r, and classifies the lines.</summary>
    private static Expected Count(IReadOnlyList<string> files)
    {
        long nonBlank = 0, blank = 0, comments = 0, bytes = 0;
        var commentLines = new List<(string, long)>();
        foreach (string file in files)
        {
            byte[] data = File.ReadAllBytes(file);
            bytes += data.Length;
            string[] lines = System.Text.Encoding.UTF8.GetString(data).Split('\n');
            int count = lines.Length - (lines[^1].Length == 0 ? 1 : 0);
            for (int i = 0; i < count; i++)
            {
                string line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
                if (line.Trim(' ', '\t', '\r').Length == 0)
                {
                    blank++;
                    continue;
                }

                nonBlank++;
                if (line.StartsWith('#'))
                {
                    comments++;
                    commentLines.Add((file, i + 1));
                }
            }
        }

        return new Expected(nonBlank, blank, comments, bytes, commentLines);
    }

    [CorpusFact]
    public async Task Run_RealCorpus_EveryLineAccountedFor()
    {
        using var dir = new TempDir();
        IReadOnlyList<string> files = Corpus.Files;
        Expected expected = Count(files);
        string rejects = dir.PathOf("rejects.tsv");

        (RunResult result, CountResult counts) = await Run.CountAsync(Run.Options([Corpus.Directory!], rejects, threads: 2));

        RunCounters c = result.Counters;
        Assert.Equal(files.Count, c.Files);
        Assert.Equal(expected.NonBlank, c.LinesRead);
        Assert.Equal(expected.Blank, c.BlankLines);
        Assert.Equal(expected.Bytes, c.Bytes);
        Assert.Empty(c.BadFiles);
        Assert.True(c.IsBalanced);

        // The comment lines, and only they, are rejected, as not-json, each on its own file and line.
        Assert.True(expected.Comments > 0, "the corpus is known to hold # comment lines");
        Assert.Equal(new Dictionary<string, long> { [RejectReasons.NotJson] = expected.Comments }, c.RejectedByReason);
        IReadOnlyList<string[]> rows = Run.ReadRejects(rejects);
        Assert.Equal(
            expected.CommentLines.Select(l => $"{Path.GetFileName(l.File)}:{l.Line}").Order(StringComparer.Ordinal),
            rows.Select(r => $"{Path.GetFileName(r[0])}:{r[1]}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(RejectReasons.NotJson, r[2]));
        Assert.All(rows, r => Assert.StartsWith("#", r[4], StringComparison.Ordinal));

        Assert.Equal(expected.NonBlank - expected.Comments, c.Events);
        Assert.Equal(c.Events, counts.Rows!.Sum(r => r.Count));
        Assert.True(counts.Rows!.Count > 100, $"only {counts.Rows!.Count} event types");
    }

    [CorpusFact]
    public async Task Run_RealCorpusOrderedOnFourThreads_SameEventsAsOneThread()
    {
        PipelineOptions options = Run.Options([Corpus.Directory!], threads: 1);

        (RunResult one, IReadOnlyList<SeenEvent> first) = await Run.RecordAsync(options, ordered: true);
        (RunResult four, IReadOnlyList<SeenEvent> second) = await Run.RecordAsync(options with { Threads = 4, BatchEvents = 16 }, ordered: true);

        Assert.Equal(one.Counters.Written, four.Counters.Written);
        Assert.Equal(first, second);
    }

    [CorpusFact]
    public async Task Run_RealCorpusGzipped_SameCountsAsPlain()
    {
        using var dir = new TempDir();
        foreach (string file in Corpus.Files)
        {
            dir.WriteBytes(Path.GetFileName(file) + ".gz", Gzip.Compress(File.ReadAllBytes(file)));
        }

        (RunResult plain, CountResult plainCounts) = await Run.CountAsync(Run.Options([Corpus.Directory!]), "event_type", "context.course_id");
        (RunResult gzip, CountResult gzipCounts) = await Run.CountAsync(Run.Options([dir.Root]), "event_type", "context.course_id");

        Assert.Equal(plain.Counters.LinesRead, gzip.Counters.LinesRead);
        Assert.Equal(plain.Counters.Bytes, gzip.Counters.Bytes);
        Assert.Equal(plain.Counters.RejectedByReason, gzip.Counters.RejectedByReason);
        Assert.Equal(plainCounts.Rows, gzipCounts.Rows, (a, b) => a.Count == b.Count && a.Values.SequenceEqual(b.Values));
        Assert.Empty(gzip.Counters.BadFiles);
    }
}
