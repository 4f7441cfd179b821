using Amazon.Runtime;

namespace XAnalytics.S3;

/// <summary>How an <see cref="S3InputStore"/> reaches its store.</summary>
public sealed record S3InputOptions
{
    /// <summary>
    /// The endpoint of an S3-compatible store (<c>http://127.0.0.1:9000</c>, MinIO, Ceph, R2...). Default null: Amazon
    /// S3 itself, in <see cref="Region"/> (or the SDK's own endpoint settings, such as <c>AWS_ENDPOINT_URL_S3</c>).
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary>The region. Default null: the SDK's chain (<c>AWS_REGION</c>, the profile), else us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Address buckets as <c>endpoint/bucket/key</c> rather than <c>bucket.endpoint/key</c>. Default null: on with a
    /// custom <see cref="Endpoint"/> (what S3-compatible stores expect), off for Amazon S3.
    /// </summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>
    /// Credentials. Default null: the SDK's usual chain (environment variables, the shared profile, SSO, the instance
    /// or container role). Never printed or logged by XAnalytics.
    /// </summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// Attempts after a transient fault, both for requests (the SDK's standard retry mode) and for a read cut off
    /// mid-object, which resumes at the byte it stopped at. Default 4.
    /// </summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first pause before resuming a cut read, doubled on each further attempt. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
