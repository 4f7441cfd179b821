using System.Text.Json;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// What the learner tables read for an input path, and whether it is already in learner order: a parts folder that
/// <c>sort</c> wrote (its <c>manifest.json</c> says <c>"sortedBy": "username,time"</c>) is grouped as it comes; a
/// <c>shard</c> output folder is read as its <c>bucket-NNNN</c> folders (each holding whole learners), grouped as they
/// come when every bucket was written <c>--sorted</c> by <c>username</c>; anything else is sorted first.
/// </summary>
public static class LearnerInputs
{
    /// <summary>The sort key the tables need: the learner (<c>username</c>), then <c>time</c>.</summary>
    public const string LearnerOrder = "username,time";

    /// <summary>The inputs to read for <paramref name="input"/>, and whether they are in learner order already.</summary>
    public static (IReadOnlyList<string> Inputs, bool Sorted) Resolve(string input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        if (!Directory.Exists(input))
        {
            return ([input], false);
        }

        if (File.Exists(Path.Combine(input, PartsManifest.FileName)))
        {
            return ([input], SortedBy(input) == LearnerOrder);
        }

        string[] buckets = Directory.GetDirectories(input, "bucket-*");
        if (buckets.Length == 0)
        {
            return ([input], false);
        }

        Array.Sort(buckets, StringComparer.Ordinal);
        bool sorted = true;
        foreach (string bucket in buckets)
        {
            sorted &= SortedBy(bucket) == LearnerOrder;
        }

        // Other entries beside the buckets are not part of the shard output: read them too, sorted with the rest.
        foreach (string entry in Directory.EnumerateFileSystemEntries(input))
        {
            string name = Path.GetFileName(entry);
            if (!name.StartsWith("bucket-", StringComparison.Ordinal) && !name.StartsWith('.'))
            {
                return ([input, .. buckets], false);
            }
        }

        return (buckets, sorted);
    }

    private static string? SortedBy(string folder)
    {
        string path = Path.Combine(folder, PartsManifest.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument doc = JsonDocument.Parse(stream);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sortedBy", out JsonElement by)
                && by.ValueKind == JsonValueKind.String ? by.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // the run's manifest check names a broken manifest
        }
    }
}
