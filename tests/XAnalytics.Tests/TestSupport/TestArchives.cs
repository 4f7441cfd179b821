using System.Text;
using XAnalytics.Generation;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Small generated archives, and the lines of log files, for tests that check a property over real-shaped events.</summary>
internal static class TestArchives
{
    /// <summary>Generates a synthetic archive (the generator's fixed default seed) into <paramref name="directory"/>, within a minute.</summary>
    public static Task<GenerationResult> GenerateAsync(string directory, long events, int files, int courses, int learners, int days)
        => ArchiveGenerator.GenerateAsync(new GeneratorOptions
        {
            OutputDirectory = directory,
            Events = events,
            Files = files,
            Courses = courses,
            Learners = learners,
            Days = days,
        }).WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>The non-empty lines of log files (gzip by name, else plain), in file order; the files must be valid UTF-8.</summary>
    public static List<string> ReadLines(IEnumerable<string> files)
    {
        var lines = new List<string>();
        foreach (string file in files)
        {
            using Stream raw = File.OpenRead(file);
            using Stream text = file.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress) : raw;
            using var reader = new StreamReader(text, new UTF8Encoding(false, true));
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0)
                {
                    lines.Add(line);
                }
            }
        }

        return lines;
    }
}
