using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Incremental;

/// <summary>
/// The state of a daily incremental run (<c>--state DIR</c>): which input files were folded into an aggregate's
/// saved partial, and that partial. A run reads only the files that are new, merges their partial into the saved
/// one, saves the result, and completes the aggregate from it: the same results as a run over everything.
/// </summary>
/// <remarks>
/// <para>The folder holds <c>state.json</c> (the command and its result-deciding options, each folded file's
/// <see cref="FileFingerprint"/>, the accounting so far, and the name of the partial file) and that partial file
/// (<c>state-NNNNNN.xap</c>, the format of <see cref="PartialFile"/>). A save writes the new partial under a new name,
/// then replaces <c>state.json</c> by a rename, then deletes the old partial: a run killed at any point leaves the
/// old state or the new one, whole.</para>
/// <para>A folded file that changed or is gone is an error naming it: the saved partial holds its old events, which
/// cannot be taken out. Start over with <c>rebuild</c>.</para>
/// </remarks>
public sealed class IncrementalState
{
    /// <summary>The file that describes the state.</summary>
    public const string FileName = "state.json";

    private const int Version = 1;
    private readonly string _directory;
    private readonly string _command;
    private readonly IReadOnlyList<string> _arguments;
    private readonly Dictionary<string, FileFingerprint> _folded;
    private readonly string? _partial;
    private readonly int _generation;

    private IncrementalState(string directory, string command, IReadOnlyList<string> arguments, Dictionary<string, FileFingerprint> folded, string? partial, int generation, Totals totals)
    {
        _directory = directory;
        _command = command;
        _arguments = arguments;
        _folded = folded;
        _partial = partial;
        _generation = generation;
        SoFar = totals;
    }

    /// <summary>The files already folded into the state, by full path.</summary>
    public IReadOnlyCollection<FileFingerprint> Folded => _folded.Values;

    /// <summary>The accounting of every run folded into the state so far.</summary>
    public Totals SoFar { get; }

    /// <summary>When the state was last saved (UTC), or null for a new state.</summary>
    public DateTime? SavedUtc { get; private init; }

    /// <summary>
    /// Opens the state in <paramref name="directory"/> (created when missing) for <paramref name="command"/> run with
    /// <paramref name="arguments"/> (its options that decide the result); with <paramref name="rebuild"/>, an earlier
    /// state there is ignored (and replaced at the next save).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The state was made by another command or with other options (the message names both), or cannot be read.
    /// </exception>
    public static IncrementalState Open(string directory, string command, IReadOnlyList<string> arguments, bool rebuild)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(arguments);
        string dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, FileName);
        if (rebuild || !File.Exists(path))
        {
            return new IncrementalState(dir, command, arguments, new Dictionary<string, FileFingerprint>(StringComparer.Ordinal), null, 0, default);
        }

        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) ?? throw new InvalidDataException("empty");
            if ((int?)root["version"] != Version)
            {
                throw new InvalidDataException($"version {(int?)root["version"]}, where this tool reads version {Version}");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"The state {path} cannot be read ({e.Message}): start over with --rebuild.", e);
        }

        string savedCommand = (string?)root["command"] ?? string.Empty;
        string[] savedArguments = [.. (root["arguments"]?.AsArray() ?? []).Select(static a => (string?)a ?? string.Empty)];
        if (savedCommand != command || !savedArguments.SequenceEqual(arguments, StringComparer.Ordinal))
        {
            throw new InvalidDataException(
                $"The state {dir} was made by '{Describe(savedCommand, savedArguments)}', not '{Describe(command, arguments)}': "
                + "give another --state folder, or --rebuild to start this one over.");
        }

        var folded = new Dictionary<string, FileFingerprint>(StringComparer.Ordinal);
        foreach (JsonNode? file in root["files"]?.AsArray() ?? [])
        {
            var print = new FileFingerprint((string)file!["path"]!, (long)file["bytes"]!, (string)file["modified"]!, (string)file["hash"]!);
            folded[print.Path] = print;
        }

        JsonNode? totals = root["totals"];
        var soFar = new Totals((long?)totals?["read"] ?? 0, (long?)totals?["written"] ?? 0, (long?)totals?["filtered"] ?? 0, (long?)totals?["rejected"] ?? 0, (long?)totals?["badFiles"] ?? 0);
        return new IncrementalState(dir, command, arguments, folded, (string?)root["partial"], (int?)root["generation"] ?? 0, soFar)
        {
            SavedUtc = DateTime.TryParse((string?)root["saved"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime saved) ? saved : null,
        };
    }

    /// <summary>
    /// Checks that every folded file is still there, unchanged, and returns the fingerprints of the files of
    /// <paramref name="listed"/> (a run's planned input files) that are not folded yet, in their order.
    /// </summary>
    /// <exception cref="InvalidDataException">A folded file changed or is gone (the message names it).</exception>
    public IReadOnlyList<FileFingerprint> NewFiles(IReadOnlyList<SourceFile> listed)
    {
        ArgumentNullException.ThrowIfNull(listed);
        foreach (FileFingerprint folded in _folded.Values.OrderBy(static f => f.Path, StringComparer.Ordinal))
        {
            FileFingerprint now;
            try
            {
                now = FileFingerprint.Of(folded.Path);
            }
            catch (FileNotFoundException)
            {
                throw new InvalidDataException(
                    $"{folded.Path} was folded into the state {_directory} and is gone: its events are in the saved results. Start over with --rebuild.");
            }

            if (now != folded)
            {
                throw new InvalidDataException(
                    $"{folded.Path} was folded into the state {_directory} and has changed since ({Change(folded, now)}): start over with --rebuild.");
            }
        }

        var fresh = new List<FileFingerprint>();
        foreach (SourceFile file in listed)
        {
            if (file.Path == Sources.FileSource.StandardInput)
            {
                throw new ArgumentException("Standard input ('-') cannot be remembered in a state: name files or folders.");
            }

            string full = Path.GetFullPath(file.Path);
            if (!_folded.ContainsKey(full))
            {
                fresh.Add(FileFingerprint.Of(full));
            }
        }

        return fresh;
    }

    /// <summary>The saved partial of <paramref name="aggregate"/>, or null when the state holds none yet.</summary>
    /// <exception cref="InvalidDataException">The partial file is damaged or of another aggregate.</exception>
    public TPartial? LoadPartial<TPartial>(IPartialAggregate<TPartial> aggregate)
        where TPartial : class
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        if (_partial is null)
        {
            return null;
        }

        (PartialHeader header, PartialReader reader) = PartialFile.Open(Path.Combine(_directory, _partial));
        return PartialFile.ReadState(header, reader, aggregate);
    }

    /// <summary>
    /// Saves <paramref name="merged"/> (the saved partial with the new files' merged in) as the new state, with
    /// <paramref name="added"/> folded and <paramref name="run"/>'s accounting added.
    /// </summary>
    public void Save<TPartial>(IPartialAggregate<TPartial> aggregate, TPartial merged, IReadOnlyList<FileFingerprint> added, Totals run)
        where TPartial : class
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(added);
        Totals totals = SoFar + run;
        int generation = _generation + 1;
        string partialName = string.Create(CultureInfo.InvariantCulture, $"state-{generation:D6}.xap");
        var header = new PartialHeader
        {
            PlanId = "state",
            Shard = ShardSelection.All,
            Command = _command,
            Arguments = _arguments,
            Read = totals.Read,
            Written = totals.Written,
            Filtered = totals.Filtered,
            Rejected = totals.Rejected,
            BadFiles = totals.BadFiles,
        };
        PartialFile.Write(Path.Combine(_directory, partialName), header, aggregate, merged);

        var files = new JsonArray();
        foreach (FileFingerprint f in _folded.Values.Concat(added).OrderBy(static f => f.Path, StringComparer.Ordinal))
        {
            files.Add((JsonNode)new JsonObject { ["path"] = f.Path, ["bytes"] = f.Bytes, ["modified"] = f.ModifiedUtc, ["hash"] = f.Hash });
        }

        var root = new JsonObject
        {
            ["version"] = Version,
            ["command"] = _command,
            ["arguments"] = new JsonArray([.. _arguments.Select(static a => (JsonNode?)JsonValue.Create(a))]),
            ["generation"] = generation,
            ["partial"] = partialName,
            ["saved"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["totals"] = new JsonObject
            {
                ["read"] = totals.Read,
                ["written"] = totals.Written,
                ["filtered"] = totals.Filtered,
                ["rejected"] = totals.Rejected,
                ["badFiles"] = totals.BadFiles,
            },
            ["files"] = files,
        };
        string path = Path.Combine(_directory, FileName);
        string temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, path, overwrite: true);
        foreach (string old in Directory.GetFiles(_directory, "state-*.xap"))
        {
            if (Path.GetFileName(old) != partialName)
            {
                File.Delete(old); // the previous state's partial, or one a killed save left behind
            }
        }
    }

    private static string Describe(string command, IReadOnlyList<string> arguments)
        => arguments.Count == 0 ? command : command + " " + string.Join(' ', arguments);

    private static string Change(FileFingerprint then, FileFingerprint now)
        => then.Bytes != now.Bytes ? $"{then.Bytes:N0} bytes then, {now.Bytes:N0} now"
            : then.ModifiedUtc != now.ModifiedUtc ? $"modified {then.ModifiedUtc} then, {now.ModifiedUtc} now"
            : "same size and time, other bytes";

    /// <summary>Line accounting, as a run's summary gives it.</summary>
    /// <param name="Read">Lines read.</param>
    /// <param name="Written">Events folded.</param>
    /// <param name="Filtered">Events the filters left out.</param>
    /// <param name="Rejected">Lines rejected.</param>
    /// <param name="BadFiles">Files not read to their end.</param>
    public readonly record struct Totals(long Read, long Written, long Filtered, long Rejected, long BadFiles)
    {
        /// <summary>Adds two accountings.</summary>
        public static Totals operator +(Totals a, Totals b)
            => new(a.Read + b.Read, a.Written + b.Written, a.Filtered + b.Filtered, a.Rejected + b.Rejected, a.BadFiles + b.BadFiles);

        /// <summary>Adds two accountings.</summary>
        public static Totals Add(Totals a, Totals b) => a + b;
    }
}
