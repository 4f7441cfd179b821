using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Deploy;

/// <summary>
/// <c>deploy/slurm/test-loopback.sh</c>: Slurm brought up on loopback, a 3-task array with one task killed mid-run
/// and rerun, the merge job, compared with one process. Skipped, saying why, where Slurm cannot run (not root, or the
/// Debian packages slurm-wlm and munge are not installed).
/// </summary>
public sealed class SlurmLoopbackTests
{
    [SlurmFact]
    public async Task LoopbackCluster_ArrayWithKilledTaskRerunAndMerge_EqualsOneProcess()
    {
        string script = Path.Combine(RepoPaths.Root!, "deploy", "slurm", "test-loopback.sh");
        var (exit, output) = await DeployProcess.RunAsync(["bash", script, DeployProcess.Tool], new Dictionary<string, string>(), TimeSpan.FromMinutes(4));

        // The attribute checked what the script needs; a script that still cannot start Slurm fails, with its reason.
        Assert.True(exit == 0, $"exit {exit}\n{output}");
        Assert.Contains("ExitCode=143:0", output, StringComparison.Ordinal);
        Assert.Contains("PASS:", output, StringComparison.Ordinal);
    }
}

/// <summary>A fact skipped, with the reason, where the loopback Slurm test cannot run.</summary>
internal sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        string? missing = Array.Find(["munged", "slurmctld", "slurmd", "sbatch", "scontrol", "squeue", "sinfo", "scancel", "python3"],
            static tool => !(Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/usr/sbin").Split(':').Any(d => File.Exists(Path.Combine(d, tool)))
                && !File.Exists(Path.Combine("/usr/sbin", tool)));
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "Skipped: the loopback Slurm test starts Slurm's daemons, which needs root on Linux (deploy/slurm/test-loopback.sh).";
        }
        else if (missing is not null)
        {
            Skip = $"Skipped: {missing} not found; install the Debian packages slurm-wlm and munge to run the loopback Slurm test (deploy/slurm/test-loopback.sh).";
        }
        else if (RepoPaths.Root is null)
        {
            Skip = "Skipped: not in a checkout (deploy/slurm/test-loopback.sh not found).";
        }
    }
}
