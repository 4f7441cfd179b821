using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace XAnalytics.Pipeline;

/// <summary>
/// A fixed split of an archive's files into shards, balanced by bytes (<c>xanalytics plan INPUT... --shards N</c>):
/// every task of a job reads its shard from the same plan, so the split does not move when files arrive meanwhile,
/// and partial results carry the plan's <see cref="Id"/> so a merge refuses a partial of another plan.
/// </summary>
/// <remarks>
/// The file, <c>plan.json</c>: <c>{"format":"xanalytics-plan","version":1,"id":"…","shards":N,"inputs":[…],
/// "files":[{"path":"…","bytes":B,"shard":S},…]}</c>. Files are listed in the run's input order (the order one
/// process over the inputs reads them); a file's position in that list is its index in every task, so what depends
/// on input order (schema examples, sort ties) comes out as in one process. The id is the first 16 bytes of the
/// XXH128 of the shard count and every file's path, size and shard, in hex.
/// </remarks>
public sealed class ShardPlan
{
    /// <summary>The <c>format</c> field of a plan file.</summary>
    public const string Format = "xanalytics-plan";

    /// <summary>The version of the plan file written, and the only one read.</summary>
    public const int Version = 1;

    private ShardPlan(string id, int shards, IReadOnlyList<string> inputs, IReadOnlyList<PlannedFile> files)
    {
        Id = id;
        Shards = shards;
        Inputs = inputs;
        Files = files;
    }

    /// <summary>The plan's id: 32 hex digits fixed by its content.</summary>
    public string Id { get; }

    /// <summary>The number of shards.</summary>
    public int Shards { get; }

    /// <summary>The inputs the plan was made from (full paths), which a task must name again.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The files, in input order, each with its shard.</summary>
    public IReadOnlyList<PlannedFile> Files { get; }

    /// <summary>
    /// Splits <paramref name="files"/> (in input order) into <paramref name="shards"/> shards balanced by bytes: the
    /// largest file first goes to the shard with the fewest bytes so far (the lowest shard on a tie).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shards"/> is less than 1.</exception>
    public static ShardPlan Create(IReadOnlyList<string> inputs, IReadOnlyList<(string Path, long Bytes)> files, int shards)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        int[] order = new int[files.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = files[b].Bytes.CompareTo(files[a].Bytes);
            return c != 0 ? c : a.CompareTo(b);
        });
        long[] load = new long[shards];
        int[] shardOf = new int[files.Count];
        foreach (int f in order)
        {
            int least = 0;
            for (int s = 1; s < shards; s++)
            {
                if (load[s] < load[least])
                {
                    least = s;
                }
            }

            shardOf[f] = least;
            load[least] += files[f].Bytes;
        }

        var planned = new PlannedFile[files.Count];
        for (int i = 0; i < planned.Length; i++)
        {
            planned[i] = new PlannedFile(files[i].Path, files[i].Bytes, shardOf[i]);
        }

        return new ShardPlan(IdOf(shards, planned), shards, [.. inputs], planned);
    }

    /// <summary>Reads a plan file.</summary>
    /// <exception cref="FormatException">Not a plan, another version, or a plan whose content does not match its id (edited by hand).</exception>
    public static ShardPlan Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement format) || format.GetString() != Format)
            {
                throw new FormatException($"{path} is not an xanalytics plan (no \"format\": \"{Format}\"); make one with 'xanalytics plan INPUT... --shards N'.");
            }

            int version = root.GetProperty("version").GetInt32();
            if (version != Version)
            {
                throw new FormatException($"{path} is a plan of version {version}; this xanalytics reads version {Version}.");
            }

            int shards = root.GetProperty("shards").GetInt32();
            var inputs = new List<string>();
            foreach (JsonElement input in root.GetProperty("inputs").EnumerateArray())
            {
                inputs.Add(input.GetString() ?? throw new FormatException($"{path}: an input is not a string."));
            }

            var files = new List<PlannedFile>();
            foreach (JsonElement file in root.GetProperty("files").EnumerateArray())
            {
                var planned = new PlannedFile(
                    file.GetProperty("path").GetString() ?? throw new FormatException($"{path}: a file's path is not a string."),
                    file.GetProperty("bytes").GetInt64(),
                    file.GetProperty("shard").GetInt32());
                if (planned.Shard < 0 || planned.Shard >= shards)
                {
                    throw new FormatException($"{path}: file {planned.Path} is given shard {planned.Shard}, outside 0 to {shards - 1}.");
                }

                files.Add(planned);
            }

            string id = root.GetProperty("id").GetString() ?? string.Empty;
            string expected = IdOf(shards, files);
            if (!string.Equals(id, expected, StringComparison.Ordinal))
            {
                throw new FormatException($"{path}: its id {id} does not match its content ({expected}): the plan was edited; make a new one.");
            }

            return new ShardPlan(id, shards, inputs, files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"{path} is not a readable xanalytics plan: {e.Message}", e);
        }
    }

    /// <summary>The plan as <c>plan.json</c> text (UTF-8, indented, one file per line).</summary>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteString("id", Id);
            json.WriteNumber("shards", Shards);
            json.WriteStartArray("inputs");
            foreach (string input in Inputs)
            {
                json.WriteStringValue(input);
            }

            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (PlannedFile file in Files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteNumber("bytes", file.Bytes);
                json.WriteNumber("shard", file.Shard);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>Bytes planned for shard <paramref name="shard"/>.</summary>
    public long BytesOf(int shard)
    {
        long total = 0;
        foreach (PlannedFile file in Files)
        {
            total += file.Shard == shard ? file.Bytes : 0;
        }

        return total;
    }

    private static string IdOf(int shards, IReadOnlyList<PlannedFile> files)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{shards}\n");
        foreach (PlannedFile file in files)
        {
            text.Append(CultureInfo.InvariantCulture, $"{file.Path}\0{file.Bytes}\0{file.Shard}\n");
        }

        byte[] hash = XxHash128.Hash(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash);
    }
}
