namespace XAnalytics.Tests.TestSupport;

/// <summary>A fact that needs the real corpus: reported as skipped, with the reason, where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (Corpus.Directory is null)
        {
            Skip = "The real corpus (../shared/corpus/edx-analytics-pipeline/*.log beside the repository) is not present.";
        }
    }
}

/// <summary>A fact about file permissions: skipped on Windows and as root (root reads any file whatever its mode).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class UnixNonRootFactAttribute : FactAttribute
{
    public UnixNonRootFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes only.";
        }
        else if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
        {
            Skip = "Running as root, which can read a file of mode 000 anyway.";
        }
    }
}

/// <summary>A fact that needs Linux's <c>/proc/self/mem</c>, which opens but fails to read from offset 0 (EIO).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class LinuxProcMemFactAttribute : FactAttribute
{
    public LinuxProcMemFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/mem"))
        {
            Skip = "Needs Linux's /proc/self/mem.";
        }
    }
}

/// <summary>A fact that gives a folder away to another user (<c>chown</c>): Linux as root only, else skipped with the reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class LinuxRootFactAttribute : FactAttribute
{
    public LinuxRootFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux (statx, chown).";
        }
        else if (XAnalytics.Internal.PrivateDirectory.EffectiveUserId() != 0)
        {
            Skip = "Needs root to chown a folder to nobody (uid 65534); the owner check is not exercised here.";
        }
    }
}
