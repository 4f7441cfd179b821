namespace XAnalytics.Pipeline;

/// <summary>What the input files hold, when their names should not decide.</summary>
public enum InputFormat
{
    /// <summary>By name: <c>.bson</c> and <c>.bson.gz</c> are BSON, everything else JSON lines.</summary>
    Auto,

    /// <summary>JSON lines, whatever the names (gzip when named <c>.gz</c>).</summary>
    Json,

    /// <summary>BSON documents, whatever the names (gzip when named <c>.gz</c>).</summary>
    Bson,
}
