using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: packs the engine and the tool from this build, installs the tool from a local
/// feed and runs it, and builds and runs the README's embedding example against the engine package. Restores are
/// offline (the local feed and the machine's NuGet cache as sources) into a private packages folder, so nothing
/// from an earlier run of the same version is reused. About 40 s on 2 cores: it runs where the Release build exists
/// (CI), and <c>XANALYTICS_SKIP_PACKAGE_TESTS=1</c> skips it.
/// </summary>
public sealed partial class PackageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [PackageFact]
    public async Task PackInstallRun_ToolAndReadmeConsumer_CountTheSameAsTheBuild()
    {
        string root = RepoPaths.Root!;
        string feed = _dir.PathOf("feed");
        string version = File.ReadAllText(Path.Combine(root, "version.txt")).Trim();
        string log = _dir.WriteText("logs/tracking.log", string.Join('\n',
            """{"username": "learner_a", "event_type": "play_video", "time": "2015-03-01T10:00:00Z"}""",
            """{"username": "learner_b", "event_type": "play_video", "time": "2015-03-01T10:00:00Z"}""",
            "not json",
            """{"username": "learner_a", "event_type": "seq_next", "time": "2015-03-01T10:00:00Z"}""") + "\n");

        // The engine and the tool, packed from the Release build the tests run against.
        await Task.WhenAll(
            DotnetAsync(root, "pack", "src/XAnalytics/XAnalytics.csproj", "-c", "Release", "--no-build", "-o", feed, "-nodeReuse:false"),
            DotnetAsync(root, "pack", "src/XAnalytics.Cli/XAnalytics.Cli.csproj", "-c", "Release", "--no-build", "-o", feed, "-nodeReuse:false"));
        string engine = Path.Combine(feed, $"XAnalytics.{version}.nupkg");
        AssertPackage(engine, version, mustHave: ["lib/net10.0/XAnalytics.Engine.dll", "lib/net10.0/XAnalytics.Engine.xml", "README.md", "LICENSE"]);
        AssertPackage(Path.Combine(feed, $"XAnalytics.Cli.{version}.nupkg"), version, mustHave: ["README.md", "LICENSE"]);
        AssertEngineDependencies(engine);

        string config = WriteNuGetConfig(feed);
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = _dir.PathOf("packages") };

        // The tool from the feed.
        string tools = _dir.PathOf("tools");
        await DotnetAsync(root, env, "tool", "install", "XAnalytics.Cli", "--version", version, "--tool-path", tools, "--configfile", config);
        (int toolExit, string toolOutput) = await RunAsync(Path.Combine(tools, "xanalytics"), _dir.Root, env, "count", log, "--by", "event_type", "--no-progress");
        Assert.Equal(3, toolExit); // a rejected line
        Assert.Equal("play_video\t2\nseq_next\t1\n", toolOutput);
        (_, string toolVersion) = await RunAsync(Path.Combine(tools, "xanalytics"), _dir.Root, env, "--version");
        Assert.StartsWith(version, toolVersion.Trim(), StringComparison.Ordinal);

        // The README's first embedding example, as it is written there, built against the package.
        string consumer = _dir.PathOf("consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="XAnalytics" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />"); // not the repository's
        File.WriteAllText(Path.Combine(consumer, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ReadmeExample(root).Replace("/data/edx/tracking", log, StringComparison.Ordinal));
        await DotnetAsync(consumer, env, "build", "-c", "Release", "--configfile", config, "-nodeReuse:false", "-p:UseSharedCompilation=false");
        (int exit, string output) = await RunAsync("dotnet", consumer, env, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));
        Assert.Equal(0, exit);
        Assert.Equal("3 events, 1 rejected\nplay_video\t2\nseq_next\t1\n", output);
    }

    /// <summary>The first C# block of the README's "Embedding the engine" section.</summary>
    private static string ReadmeExample(string root)
    {
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int section = readme.IndexOf("## Embedding the engine", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no 'Embedding the engine' section");
        Match block = CSharpBlock().Match(readme, section);
        Assert.True(block.Success);
        string code = block.Groups[1].Value;
        Assert.Equal(1, Regex.Count(code, @"^using ", RegexOptions.Multiline)); // one namespace, as the README says
        return code;
    }

    private static void AssertPackage(string nupkg, string version, string[] mustHave)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        foreach (string entry in mustHave)
        {
            Assert.True(zip.GetEntry(entry) is not null, $"{Path.GetFileName(nupkg)} lacks {entry}");
        }

        XElement metadata = Nuspec(zip);
        Assert.Equal(version, Value(metadata, "version"));
        Assert.NotEqual("1.0.0", version);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("MIT", Value(metadata, "license"));
        XElement repository = metadata.Elements().Single(static e => e.Name.LocalName == "repository");
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? string.Empty); // SourceLink
    }

    /// <summary>The engine package pulls in none of the reports', Parquet's or S3's dependencies.</summary>
    private static void AssertEngineDependencies(string nupkg)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] ids = [.. Nuspec(zip).Descendants().Where(static e => e.Name.LocalName == "dependency").Select(static e => (string)e.Attribute("id")!).Order(StringComparer.Ordinal)];
        Assert.Equal(["K4os.Compression.LZ4", "MongoDB.Bson", "System.IO.Hashing", "YamlDotNet"], ids);
    }

    private static XElement Nuspec(ZipArchive zip)
    {
        ZipArchiveEntry entry = zip.Entries.Single(static e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(static e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    /// <summary>A NuGet.config with only local sources: the feed, and the machine's package cache the build restored into.</summary>
    private string WriteNuGetConfig(string feed)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = _dir.PathOf("nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="feed" value="{feed}" />
                <add key="cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        return path;
    }

    private static Task DotnetAsync(string directory, params string[] args) => DotnetAsync(directory, new Dictionary<string, string>(), args);

    private static async Task DotnetAsync(string directory, Dictionary<string, string> env, params string[] args)
    {
        (int exit, string output) = await RunAsync("dotnet", directory, env, args);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} failed ({exit}):\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string directory, Dictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach ((string key, string value) in env)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout;
        return (process.ExitCode, program == "dotnet" && args.Length > 0 && args[0] is "pack" or "build" or "tool" ? output + await stderr : output);
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
