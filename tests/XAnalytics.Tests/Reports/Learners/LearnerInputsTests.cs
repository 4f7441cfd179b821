using XAnalytics.Reports.Learners;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports.Learners;

/// <summary>Which inputs the learner tables read, and when they trust the input's order.</summary>
public sealed class LearnerInputsTests
{
    [Fact]
    public void Resolve_SortOutputShardBucketsAndPlainFolders()
    {
        using var dir = new TempDir();
        dir.WriteText("sorted/manifest.json", """{"sortedBy": "username,time", "parts": []}""");
        dir.WriteText("by-id/manifest.json", """{"sortedBy": "context.user_id,time", "parts": []}""");
        dir.WriteText("shard/bucket-0001/manifest.json", """{"sortedBy": "username,time"}""");
        dir.WriteText("shard/bucket-0000/manifest.json", """{"sortedBy": "username,time"}""");
        dir.WriteText("mixed/bucket-0000/manifest.json", """{"sortedBy": "username,time"}""");
        dir.WriteText("mixed/bucket-0001/manifest.json", """{"shardedBy": "username"}""");
        dir.WriteText("logs/tracking.log", "");

        Assert.Equal((string.Join('|', new[] { dir.PathOf("sorted") }), true), Flat(LearnerInputs.Resolve(dir.PathOf("sorted"))));
        Assert.Equal((string.Join('|', new[] { dir.PathOf("by-id") }), false), Flat(LearnerInputs.Resolve(dir.PathOf("by-id"))));
        Assert.Equal((string.Join('|', new[] { dir.PathOf("shard/bucket-0000"), dir.PathOf("shard/bucket-0001") }), true), Flat(LearnerInputs.Resolve(dir.PathOf("shard"))));
        Assert.Equal((string.Join('|', new[] { dir.PathOf("mixed/bucket-0000"), dir.PathOf("mixed/bucket-0001") }), false), Flat(LearnerInputs.Resolve(dir.PathOf("mixed"))));
        Assert.Equal((string.Join('|', new[] { dir.PathOf("logs") }), false), Flat(LearnerInputs.Resolve(dir.PathOf("logs"))));
        Assert.Equal((string.Join('|', new[] { dir.PathOf("logs/tracking.log") }), false), Flat(LearnerInputs.Resolve(dir.PathOf("logs/tracking.log"))));
    }

    private static (string, bool) Flat((IReadOnlyList<string> Inputs, bool Sorted) r) => (string.Join('|', r.Inputs), r.Sorted);
}
