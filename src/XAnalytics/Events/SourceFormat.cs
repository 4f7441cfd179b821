namespace XAnalytics.Events;

/// <summary>How a file's bytes are read.</summary>
public enum SourceFormat
{
    /// <summary>Plain JSON lines (UTF-8). A file whose first bytes are the gzip magic is read as gzip anyway.</summary>
    JsonLines,

    /// <summary>Gzip-compressed JSON lines (<c>.gz</c>), one or several gzip members.</summary>
    GzipJsonLines,

    /// <summary>
    /// BSON documents, one after another, each with its length prefix (<c>.bson</c>, as mongodump writes). A file
    /// whose first bytes are the gzip magic is read as gzip anyway.
    /// </summary>
    Bson,

    /// <summary>Gzip-compressed BSON documents (<c>.bson.gz</c>).</summary>
    BsonGzip,
}
