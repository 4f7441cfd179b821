using System.Diagnostics;
using XAnalytics.Events;
using XAnalytics.Learners;
using XAnalytics.Ordering;
using XAnalytics.Pipeline;
using XAnalytics.Sinks;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Ordering;

/// <summary>
/// A scratch folder that fills up: the sort and the shuffle fail with an error that names the folder and says the disk
/// may be full, publish nothing and leave nothing in the scratch folder. The full disk is real: a 2 MiB tmpfs,
/// mounted by the test (root only; skipped with a message elsewhere).
/// </summary>
public sealed class SpillDiskFullTests
{
    [TinyScratchFact]
    public async Task Sort_ScratchFillsUp_FailsNamingTheFolder_PublishesNothing_LeavesNoSpill()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 30_000, files: 2, courses: 2, learners: 200, days: 2);
        using var scratch = TinyScratch.Mount(dir.PathOf("scratch"));
        var sort = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = scratch.Path };

        Exception fault = await Assert.ThrowsAnyAsync<Exception>(() => EventPipeline.RunAsync(
            Run.Options([dir.PathOf("in")], threads: 2), [], new SortSink(sort, new JsonPartsSink(new PartsSinkOptions { OutputDirectory = dir.PathOf("out") })))
            .WaitAsync(Run.Timeout));
        IOException e = Assert.IsAssignableFrom<IOException>(fault is AggregateException many ? many.Flatten().InnerExceptions.FirstOrDefault(static x => x is IOException) : fault);

        Assert.Contains("disk full", e.Message, StringComparison.Ordinal);
        Assert.Contains(scratch.Path, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.PathOf("out")));
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [TinyScratchFact]
    public async Task Shuffle_ScratchFillsUp_FailsNamingTheFolder_LeavesNoSpill()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 30_000, files: 2, courses: 2, learners: 200, days: 2);
        using var scratch = TinyScratch.Mount(dir.PathOf("scratch"));
        var sort = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = scratch.Path };

        // Both workers may meet the full disk at once: the run's fault is then an AggregateException of IOExceptions.
        Exception fault = await Assert.ThrowsAnyAsync<Exception>(() => EventPipeline.RunAsync(
            Run.Options([dir.PathOf("in")], threads: 2), [], new LearnerAnalysisSink<object>(new Nothing(), sort))
            .WaitAsync(Run.Timeout));
        IOException e = Assert.IsAssignableFrom<IOException>(fault is AggregateException many ? many.Flatten().InnerExceptions.FirstOrDefault(static x => x is IOException) : fault);

        Assert.Contains("disk full", e.Message, StringComparison.Ordinal);

        // Nothing is left, not even the shuffle's empty private folder: the run fails only once the sink's block has
        // cleaned up (its private folder was left in about one run of four when a cancellation callback did it alone).
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [TinyScratchFact]
    public async Task RecordShuffle_ScratchFillsUp_FailsNamingTheFolder_LeavesNothing()
    {
        using var dir = new TempDir();
        await TestArchives.GenerateAsync(dir.PathOf("in"), events: 200_000, files: 2, courses: 2, learners: 2_000, days: 2);
        using var scratch = TinyScratch.Mount(dir.PathOf("scratch"));
        var sort = new SortOptions { MemoryBytes = 16L * 1024 * 1024, ScratchDirectory = scratch.Path };
        // Nothing held in memory: every record block goes to the 2 MiB scratch (200,000 records of 16 bytes and their keys).
        var shuffle = new RecordShuffle<long, object>(new RecordPartials<long, object>(new NoRecords()), sort, heldBytes: 0);

        Exception fault = await Assert.ThrowsAnyAsync<Exception>(() => EventPipeline.RunAsync(Run.Options([dir.PathOf("in")], threads: 2), [], shuffle)
            .WaitAsync(Run.Timeout));
        IOException e = Assert.IsAssignableFrom<IOException>(fault is AggregateException many ? many.Flatten().InnerExceptions.FirstOrDefault(static x => x is IOException) : fault);

        Assert.Contains(scratch.Path, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    private sealed class NoRecords : ILearnerRecordAnalysis<long, object>
    {
        public void Project(EventBatch batch, int index, ReadOnlySpan<byte> learner, long ticks, out long record) => record = ticks;

        public object CreatePartial() => new();

        public void Accumulate(object target, string learner, ReadOnlySpan<long> records)
        {
        }

        public void Merge(object into, object from)
        {
        }

        public void Complete(object result)
        {
        }
    }

    private sealed class Nothing : ILearnerAnalysis<object>
    {
        public object CreatePartial() => new();

        public void Accumulate(object target, LearnerGroup learner)
        {
        }

        public void Merge(object into, object from)
        {
        }

        public void Complete(object result)
        {
        }
    }

    /// <summary>A 2 MiB tmpfs mounted on a folder for one test, unmounted on dispose.</summary>
    private sealed class TinyScratch : IDisposable
    {
        private TinyScratch(string path) => Path = path;

        public string Path { get; }

        public static TinyScratch Mount(string path)
        {
            Directory.CreateDirectory(path);
            if (MountCommand("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", path) is { } error)
            {
                throw new InvalidOperationException("mount failed: " + error);
            }

            return new TinyScratch(path);
        }

        /// <summary>Null when tmpfs can be mounted here, else why not.</summary>
        public static string? WhyNot()
        {
            if (!OperatingSystem.IsLinux())
            {
                return "mounting a tmpfs needs Linux";
            }

            if (Environment.UserName != "root")
            {
                return "mounting a tmpfs needs root";
            }

            string probe = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "xanalytics-tmpfs-probe-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(probe);
            try
            {
                string? error = MountCommand("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe);
                if (error is null)
                {
                    MountCommand("umount", probe);
                }

                return error is null ? null : "tmpfs cannot be mounted here: " + error;
            }
            finally
            {
                Directory.Delete(probe);
            }
        }

        // Lazily: a spill file another worker still held when the run failed would make a plain umount fail as busy.
        public void Dispose() => MountCommand("umount", "-l", Path);

        private static string? MountCommand(string command, params string[] args)
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            try
            {
                using Process process = Process.Start(start)!;
                string error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                return process.ExitCode == 0 ? null : error.Trim();
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return e.Message;
            }
        }

        internal static readonly Lazy<string?> s_whyNot = new(WhyNot);
    }

    private sealed class TinyScratchFactAttribute : FactAttribute
    {
        public TinyScratchFactAttribute()
        {
            if (TinyScratch.s_whyNot.Value is { } reason)
            {
                Skip = reason;
            }
        }
    }
}
