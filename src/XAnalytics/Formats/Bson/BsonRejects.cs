namespace XAnalytics.Formats.Bson;

/// <summary>The reasons the BSON codec rejects an event or a document; the pipeline publishes them as its <c>BsonRejectReasons</c>.</summary>
internal static class BsonRejects
{
    /// <summary>The event holds something BSON cannot carry (a key with U+0000, a number beyond every BSON number type).</summary>
    public const string NotRepresentable = "not-bson-representable";

    /// <summary>A BSON document is malformed inside (its length prefix was fine), or holds a type with no JSON form.</summary>
    public const string InvalidBson = "invalid-bson";
}
