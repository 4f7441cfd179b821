using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.S3;

/// <summary>
/// A local S3-compatible server (the npm package s3rver, installed by .ci/run into tests/tools/s3rver) on a free
/// loopback port, with a fresh folder and one bucket, started once for the S3 tests and stopped after them.
/// </summary>
public sealed class S3Server : IDisposable
{
    public const string Bucket = "tracking-logs";

    /// <summary>s3rver's own fixed credentials; the CLI finds them in the environment, as the AWS SDK's chain reads it.</summary>
    public const string AccessKey = "S3RVER";

    private readonly Process? _process;
    private readonly TempDir _data = new();

    public S3Server()
    {
        if (Script is null)
        {
            // Every test of the class is skipped: nothing to start.
            Endpoint = string.Empty;
            Client = null!;
            return;
        }

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", AccessKey);
        int port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Script!, "--directory", _data.Root, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var listening = new TaskCompletionSource();
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening", StringComparison.OrdinalIgnoreCase) == true)
            {
                listening.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!listening.Task.Wait(TimeSpan.FromSeconds(20)))
        {
            Dispose();
            throw new InvalidOperationException($"s3rver did not start listening on {Endpoint} within 20 s.");
        }

        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, AccessKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // s3rver stores an aws-chunked body (the SDK's default upload with a trailing checksum) as it is, framing and all.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        });
    }

    /// <summary>node's script of s3rver, or null when node or the package is missing (the tests are then skipped).</summary>
    public static string? Script { get; } = FindScript();

    public static string SkipReason =>
        "Skipped: no local S3 server: install it with `npm ci --prefix tests/tools/s3rver` (node and npm needed; .ci/run does it).";

    public string Endpoint { get; }

    public AmazonS3Client Client { get; }

    public void Put(string key, byte[] bytes)
    {
        using var body = new MemoryStream(bytes);
        Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false }).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _data.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string? FindScript()
    {
        if (RepoPaths.Root is not { } root)
        {
            return null;
        }

        string script = Path.Combine(root, "tests", "tools", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            return null;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "node")))
            {
                return script;
            }
        }

        return null;
    }
}
