using XAnalytics.Pipeline;

namespace XAnalytics.Tests.Pipeline;

public sealed class ShardPlanTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-plan-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Create_BalancesByBytes_LargestFirstToTheLightestShard()
    {
        (string, long)[] files = [("/a/1", 100), ("/a/2", 10), ("/a/3", 60), ("/a/4", 50), ("/a/5", 40)];

        ShardPlan plan = ShardPlan.Create(["/a"], files, 2);

        // Largest first: 100 -> 0; 60 -> 1; 50 -> 1 (60 < 100); 40 -> 0 (100 < 110); 10 -> 1 (110 < 140).
        Assert.Equal([0, 1, 1, 1, 0], plan.Files.Select(static f => f.Shard));
        Assert.Equal(140, plan.BytesOf(0));
        Assert.Equal(120, plan.BytesOf(1));
        Assert.Equal(["/a/1", "/a/2", "/a/3", "/a/4", "/a/5"], plan.Files.Select(static f => f.Path));
    }

    [Fact]
    public void ToJsonThenLoad_RoundTrips_AndTheIdIsFixedByContent()
    {
        ShardPlan plan = ShardPlan.Create(["/logs"], [("/logs/x.gz", 5), ("/logs/y.gz", 7)], 3);
        string path = Path.Combine(_dir.FullName, "plan.json");
        File.WriteAllBytes(path, plan.ToJson());

        ShardPlan loaded = ShardPlan.Load(path);

        Assert.Equal(plan.Id, loaded.Id);
        Assert.Equal(32, plan.Id.Length);
        Assert.Equal(plan.Files, loaded.Files);
        Assert.Equal(3, loaded.Shards);
        Assert.Equal(plan.Id, ShardPlan.Create(["/logs"], [("/logs/x.gz", 5), ("/logs/y.gz", 7)], 3).Id);
        Assert.NotEqual(plan.Id, ShardPlan.Create(["/logs"], [("/logs/x.gz", 5), ("/logs/y.gz", 8)], 3).Id);
    }

    [Fact]
    public void Load_EditedByHand_RefusedNamingTheFile()
    {
        ShardPlan plan = ShardPlan.Create(["/logs"], [("/logs/x.gz", 5), ("/logs/y.gz", 7)], 2);
        string path = Path.Combine(_dir.FullName, "plan.json");
        File.WriteAllText(path, System.Text.Encoding.UTF8.GetString(plan.ToJson()).Replace("\"bytes\": 7", "\"bytes\": 9", StringComparison.Ordinal));

        FormatException e = Assert.Throws<FormatException>(() => ShardPlan.Load(path));
        Assert.Contains("does not match its content", e.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\"hello\": 1}");
        Assert.Contains("is not an xanalytics plan", Assert.Throws<FormatException>(() => ShardPlan.Load(path)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("7/8", 7, 8)]
    public void ShardSelection_Parse_Valid(string text, int index, int count)
        => Assert.Equal(new ShardSelection(index, count), ShardSelection.Parse(text));

    [Theory]
    [InlineData("3/3")]
    [InlineData("1")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("a/b")]
    public void ShardSelection_Parse_Invalid_Throws(string text)
        => Assert.Throws<FormatException>(() => ShardSelection.Parse(text));
}
