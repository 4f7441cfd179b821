using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using XAnalytics.Pipeline;

namespace XAnalytics.S3;

/// <summary>
/// Reads <c>s3://bucket/prefix</c> inputs: <c>s3://bucket/key</c> is that object when it exists, else (as
/// <c>s3://bucket/prefix/</c>) every object under the prefix, listed in name order as a folder's files are; objects
/// are streamed (nothing is downloaded first), and a read cut by a transient fault resumes at the byte it stopped at,
/// refused if the object changed since it was listed (its ETag). Register it in
/// <see cref="FileSourceOptions.Stores"/>.
/// </summary>
/// <example>
/// <code>
/// using var s3 = new S3InputStore(new S3InputOptions { Region = "us-east-1" });
/// var options = new PipelineOptions { Source = new() { Inputs = ["s3://edx-logs/tracking/"], Stores = [s3] } };
/// </code>
/// </example>
public sealed class S3InputStore : IInputStore, IDisposable
{
    /// <summary>The scheme this store reads.</summary>
    public const string Scheme = "s3://";

    private readonly S3InputOptions _options;
    private readonly AmazonS3Client _client;

    /// <summary>A store with its own client, built from <paramref name="options"/>.</summary>
    public S3InputStore(S3InputOptions? options = null)
    {
        _options = Validate(options ?? new S3InputOptions());
        var config = new AmazonS3Config { MaxErrorRetry = _options.MaxRetries, RetryMode = RequestRetryMode.Standard };
        if (_options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (_options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = _options.Region ?? "us-east-1";
        }

        config.ForcePathStyle = _options.ForcePathStyle ?? _options.Endpoint is not null;
        _client = _options.Credentials is { } credentials ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
    }

    /// <summary>Whether <paramref name="input"/> starts with <c>s3://</c>.</summary>
    public bool Reads(string input) => input is not null && input.StartsWith(Scheme, StringComparison.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input names no bucket.</exception>
    public IReadOnlyList<StoredObject> List(string input, CancellationToken cancellationToken)
    {
        (string bucket, string key) = Parse(input);
        var objects = new List<StoredObject>();
        if (key.Length > 0 && !key.EndsWith('/'))
        {
            // One object by that name, if there is one; else the "folder" of that name (never logs2/ for logs).
            ListUnder(bucket, key, objects, cancellationToken);
            objects.RemoveAll(o => o.Path != Scheme + bucket + "/" + key);
            if (objects.Count == 1)
            {
                return objects;
            }

            key += "/";
        }

        ListUnder(bucket, key, objects, cancellationToken);
        if (objects.Count == 0)
        {
            throw new FileNotFoundException($"Input not found: {input} (no object of that name or under that prefix in bucket '{bucket}').", input);
        }

        objects.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return objects;
    }

    /// <inheritdoc/>
    public Stream Open(StoredObject storedObject)
    {
        ArgumentNullException.ThrowIfNull(storedObject);
        (string bucket, string key) = Parse(storedObject.Path);
        return new ResumingReadStream(
            (from, ct) => GetAsync(bucket, key, storedObject, from, ct),
            storedObject.Length,
            storedObject.Path,
            _options.MaxRetries,
            _options.RetryDelay);
    }

    /// <summary>Closes the client.</summary>
    public void Dispose() => _client.Dispose();

    /// <summary>The bucket and key of <c>s3://bucket/key</c>.</summary>
    /// <exception cref="ArgumentException">No bucket.</exception>
    internal static (string Bucket, string Key) Parse(string input)
    {
        if (!input.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Not an S3 input: {input} (expected s3://bucket/prefix).");
        }

        string rest = input[Scheme.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            throw new ArgumentException($"No bucket in {input} (expected s3://bucket/prefix).");
        }

        return (bucket, slash < 0 ? string.Empty : rest[(slash + 1)..]);
    }

    private void ListUnder(string bucket, string prefix, List<StoredObject> objects, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix.Length == 0 ? null : prefix };
        while (true)
        {
            ListObjectsV2Response response = _client.ListObjectsV2Async(request, cancellationToken).GetAwaiter().GetResult();
            foreach (S3Object o in response.S3Objects ?? [])
            {
                if (!o.Key.EndsWith('/'))
                {
                    objects.Add(new StoredObject(Scheme + bucket + "/" + o.Key, o.Size ?? 0, o.ETag));
                }
            }

            if (response.IsTruncated != true)
            {
                return;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    private async Task<Stream> GetAsync(string bucket, string key, StoredObject stored, long from, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key, EtagToMatch = stored.Version };
        if (from > 0)
        {
            request.ByteRange = new ByteRange(from, Math.Max(from, stored.Length - 1));
        }

        try
        {
            GetObjectResponse response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.PreconditionFailed)
        {
            throw new StoredObjectChangedException($"{stored.Path} changed while it was read (its ETag is no longer {stored.Version}).", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound)
        {
            throw new StoredObjectChangedException($"{stored.Path} vanished after it was listed.", e);
        }
    }

    private static S3InputOptions Validate(S3InputOptions options)
    {
        if (options.MaxRetries < 0)
        {
            throw new ArgumentException($"MaxRetries must be 0 or more, not {options.MaxRetries}.", nameof(options));
        }

        if (options.Endpoint is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"The S3 endpoint '{endpoint}' is not an absolute URL (http://host:port).", nameof(options));
        }

        return options with { };
    }
}
