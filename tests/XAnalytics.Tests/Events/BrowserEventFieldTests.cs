using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Events;

/// <summary>
/// Browser events write their payload as a JSON string (<c>"event": "{\"id\": ...}"</c>): every field read sees inside
/// it, as the decode stage would, from JSON and from a BSON copy alike.
/// </summary>
public sealed class BrowserEventFieldTests : IDisposable
{
    private const string Browser =
        """{"username": "learner_b", "event_type": "play_video", "event_source": "browser", "time": "2015-03-01T10:00:00+00:00", "event": "{\"id\": \"i4x-OrgX-C1-video-aaa\", \"currentTime\": 12, \"code\": \"caf\\u00e9\"}"}""";

    private const string Decoded =
        """{"username": "learner_b", "event_type": "play_video", "event_source": "browser", "time": "2015-03-01T10:00:00+00:00", "event": {"id": "i4x-OrgX-C1-video-aaa", "currentTime": 12, "code": "caf\u00e9"}}""";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-browser-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void TryGetField_ThroughJsonStringEvent_SameValuesAsDecoded()
    {
        using EventBatch batch = Batches.Parse(Browser, Decoded, Browser);

        for (int i = 0; i < batch.Count; i++)
        {
            Assert.True(batch.TryGetField(i, FieldPath.Parse("event.id"), out FieldValue id));
            Assert.Equal(JsonTokenType.String, id.Kind);
            Assert.Equal("i4x-OrgX-C1-video-aaa", id.GetString());
            Assert.True(id.ValueEquals("i4x-OrgX-C1-video-aaa"u8));
            Assert.True(batch.TryGetField(i, FieldPath.Parse("event:currentTime"), out FieldValue at));
            Assert.Equal(JsonTokenType.Number, at.Kind);
            Assert.Equal("12", Encoding.UTF8.GetString(at.RawJson));
            Assert.True(batch.TryGetField(i, FieldPath.Parse("event.code"), out FieldValue code));
            Assert.Equal("café", code.GetString());
            Assert.False(batch.TryGetField(i, FieldPath.Parse("event.missing"), out _));
        }

        // The top level is read as before: the string itself.
        Assert.True(batch.TryGetField(0, FieldPath.Parse("event"), out FieldValue whole));
        Assert.Equal(JsonTokenType.String, whole.Kind);
    }

    [Fact]
    public async Task Count_ByFieldInsideStringEvent_JsonAndBsonCopyAgree()
    {
        string json = Path.Combine(_dir.FullName, "tracking.log");
        File.WriteAllText(json, string.Join('\n', Browser, Decoded, Browser.Replace("-aaa", "-bbb", StringComparison.Ordinal), "{\"event\": \"{\\\"id\\\": \\\"cut\"}") + "\n");
        string bson = Path.Combine(_dir.FullName, "bson");
        RunResult copy = await EventPipeline.RunAsync(
            new PipelineOptions { Source = new() { Inputs = [json] } }, [],
            new BsonPartsSink(new PartsSinkOptions { OutputDirectory = bson })).WaitAsync(Run.Timeout);
        Assert.Equal(4, copy.Counters.Written);

        foreach (string input in new[] { json, bson })
        {
            var (_, counts) = await Run.CountAsync(Run.Options([input]), "event.id");
            string[] rows = [.. counts.Rows!.Select(r => $"{r.Values[0]}={r.Count}")];
            Assert.Equal(["i4x-OrgX-C1-video-aaa=2", "=1", "i4x-OrgX-C1-video-bbb=1"], rows);
        }
    }
}
