using XAnalytics;

namespace XAnalytics.PublicApi.Tests;

/// <summary>The README's first embedding example, with its one <c>using XAnalytics;</c> and nothing else imported.</summary>
public sealed class OneUsingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-one-using-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task CountAsync_ByEventType_ReadmeExampleWithOneNamespace()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        File.WriteAllText(log, """
            {"username": "learner_a", "event_type": "play_video", "time": "2015-03-01T10:00:00Z"}
            {"username": "learner_b", "event_type": "play_video", "time": "2015-03-01T10:00:00Z"}
            not json
            {"username": "learner_a", "event_type": "seq_next", "time": "2015-03-01T10:00:00Z"}

            """);

        CountRun count = await EventPipeline.CountAsync([log], by: ["event_type"]).WaitAsync(TimeSpan.FromSeconds(60));
        var lines = new List<string>();
        foreach (var row in count.Counts.Rows!)
        {
            lines.Add($"{row.Values[0]}\t{row.Count}");
        }

        Assert.Equal(3, count.Run.Counters.Events);
        Assert.Equal(1, count.Run.Counters.Rejected);
        Assert.Equal(["play_video\t2", "seq_next\t1"], lines);
    }

    [Fact]
    public async Task CountAsync_NoFields_TotalsWithDistinctUsers()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        File.WriteAllText(log, """
            {"username": "learner_a", "event_type": "play_video"}
            {"username": "learner_b", "event_type": "play_video"}
            {"username": "learner_a", "event_type": "seq_next"}

            """);

        CountRun count = await EventPipeline.CountAsync([log], threads: 1).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Null(count.Counts.Rows);
        Assert.Equal(3, count.Counts.Events);
        Assert.Equal(2, count.Counts.DistinctUsers);
    }
}
