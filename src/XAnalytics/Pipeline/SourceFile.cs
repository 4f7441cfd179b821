namespace XAnalytics.Pipeline;

/// <summary>One input file of a run, in the run's deterministic order.</summary>
/// <param name="Path">The file's path as it was found (input prefix + relative path).</param>
/// <param name="Index">Its position in the run's sorted file list, from 0.</param>
/// <param name="Length">Its size in bytes when the run was planned.</param>
/// <param name="Format">How its bytes are read.</param>
public sealed record SourceFile(string Path, int Index, long Length, SourceFormat Format);

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
