using XAnalytics.Formats.Bson;

namespace XAnalytics.Pipeline;

/// <summary>The reasons BSON conversion rejects an event or a document.</summary>
public static class BsonRejectReasons
{
    /// <summary>The event holds something BSON cannot carry (a key with U+0000, a number beyond every BSON number type).</summary>
    public const string NotRepresentable = BsonRejects.NotRepresentable;

    /// <summary>A BSON document is malformed inside (its length prefix was fine), or holds a type with no JSON form.</summary>
    public const string InvalidBson = BsonRejects.InvalidBson;
}
