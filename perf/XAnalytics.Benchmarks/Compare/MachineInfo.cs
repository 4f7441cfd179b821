using System.Globalization;
using System.Runtime.InteropServices;

namespace XAnalytics.Benchmarks.Compare;

/// <summary>The lines that say where a table was measured.</summary>
internal static class MachineInfo
{
    public static IEnumerable<string> Describe(int threads)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        yield return $"Machine: {Cpu()}, {Environment.ProcessorCount} cores (tools given {threads} threads), {MemoryTotal()} RAM";
        yield return $"OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})";
        yield return $".NET: {RuntimeInformation.FrameworkDescription}";
        string duck;
        try
        {
            duck = DuckDbCount.Version();
        }
        catch (Exception e) when (e is DllNotFoundException or InvalidOperationException)
        {
            duck = "unavailable";
        }

        yield return $"Peers: DuckDB {duck} (DuckDB.NET.Data.Full), {Jq()}";
        yield return $"Inflater: {Inflater()}";
    }

    /// <summary>What XAnalytics inflates with here: ISA-L where <c>libisal.so.2</c> loads, unless switched off.</summary>
    private static string Inflater()
    {
        bool isal = NativeLibrary.TryLoad("libisal.so.2", out IntPtr handle);
        if (isal)
        {
            NativeLibrary.Free(handle);
        }

        string? choice = Environment.GetEnvironmentVariable("XANALYTICS_INFLATER");
        return (isal, choice) switch
        {
            (true, null or "" or "isal") => "Intel ISA-L (libisal.so.2) for XAnalytics, except in the \"with zlib-ng\" column",
            (true, _) => $"the runtime's zlib-ng for every XAnalytics column (XANALYTICS_INFLATER={choice}; libisal.so.2 is here)",
            _ => "the runtime's zlib-ng (libisal.so.2 not found: both XAnalytics count columns inflate alike)",
        };
    }

    private static string Cpu()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string MemoryTotal()
    {
        long bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return (bytes / 1073741824.0).ToString("F0", CultureInfo.InvariantCulture) + " GiB";
    }

    private static string Jq()
    {
        if (Tools.FindOnPath("jq") is null)
        {
            return "jq not on PATH (skipped)";
        }

        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("jq", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            string v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return v + " with gzip";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "jq (version unknown)";
        }
    }
}
