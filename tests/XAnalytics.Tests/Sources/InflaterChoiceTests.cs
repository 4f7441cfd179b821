using System.Diagnostics;
using System.Text;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Sources;

/// <summary>
/// <c>XANALYTICS_INFLATER=zlib</c> makes the runtime's zlib-ng inflate the gzip files, <c>isal</c> (or nothing) Intel
/// ISA-L where it is installed: the counts are the same, row for row, either way.
/// </summary>
public sealed class InflaterChoiceTests
{
    [Fact]
    public async Task Count_ZlibAndIsal_IdenticalRows()
    {
        using var dir = new TempDir();
        var random = new Random(16);
        var expected = new Dictionary<string, long>();
        for (int f = 0; f < 3; f++)
        {
            var lines = new StringBuilder();
            for (int i = 0; i < 20_000; i++)
            {
                string type = $"/courses/Org/C{random.Next(4)}/run/xblock/{random.Next(3000):x5}/handler";
                lines.Append(
                    $"{{\"username\":\"learner{random.Next(500)}\",\"event_type\":\"{type}\",\"time\":\"2015-03-0{1 + random.Next(9)}T00:00:00+00:00\",\"event\":\"{new string('x', random.Next(80))}\"}}\n");
                expected[type] = expected.GetValueOrDefault(type) + 1;
            }

            dir.WriteGzip($"tracking.log-{f}.gz", lines.ToString());
        }

        string zlib = await CountAsync(dir.Root, "zlib");
        string isal = await CountAsync(dir.Root, "isal");

        Assert.Equal(zlib, isal);
        string[] rows = zlib.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Count, rows.Length);
        foreach (string row in rows)
        {
            string[] parts = row.Split('\t');
            Assert.Equal(expected[parts[0]].ToString(System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        }
    }

    /// <summary>The built xanalytics.dll (copied beside the tests) counting by event type with the inflater chosen.</summary>
    private static async Task<string> CountAsync(string input, string inflater)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(host, [Path.Combine(AppContext.BaseDirectory, "xanalytics.dll"), "count", input, "--by", "event_type", "--no-progress"])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        info.Environment["XANALYTICS_CONFIG"] = null;
        info.Environment["XANALYTICS_INFLATER"] = inflater;
        using Process child = Process.Start(info)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Task<string> stdout = child.StandardOutput.ReadToEndAsync(deadline.Token);
        Task<string> stderr = child.StandardError.ReadToEndAsync(deadline.Token);
        await child.WaitForExitAsync(deadline.Token);
        Assert.True(child.ExitCode == 0, $"XANALYTICS_INFLATER={inflater}: exit {child.ExitCode}: {await stderr}");
        return await stdout;
    }
}
