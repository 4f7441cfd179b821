using System.Buffers.Binary;
using System.IO.Hashing;

namespace XAnalytics.Pipeline;

/// <summary>
/// The partial-result file a sharded task writes (<c>--partial OUT.xap</c>) and <c>xanalytics merge</c> reads:
/// magic <c>XAPART\r\n</c>, the format version (2 bytes), the header (<see cref="PartialHeader"/>) and the
/// aggregate's state as length-prefixed blocks, then the XXH3-64 of everything before it. Layout in
/// <c>docs/partial-format.md</c>. Written to a hidden temporary beside the target, flushed to disk, then renamed:
/// a killed task leaves no partial file, only a temporary the next run's write replaces.
/// </summary>
public static class PartialFile
{
    /// <summary>The file format's version, written and the only one read.</summary>
    public const int FormatVersion = 1;

    /// <summary>The usual extension, <c>.xap</c>.</summary>
    public const string Extension = ".xap";

    private static ReadOnlySpan<byte> Magic => "XAPART\r\n"u8;

    /// <summary>Writes <paramref name="partial"/> of <paramref name="aggregate"/> under <paramref name="header"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write<TPartial>(string path, PartialHeader header, IPartialAggregate<TPartial> aggregate, TPartial partial)
        where TPartial : class
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(partial);
        var body = new PartialWriter();
        body.WriteBlock(w =>
        {
            w.WriteString(header.PlanId);
            w.WriteUInt((ulong)header.Shard.Index);
            w.WriteUInt((ulong)header.Shard.Count);
            w.WriteString(header.Command);
            w.WriteUInt((ulong)header.Arguments.Count);
            foreach (string argument in header.Arguments)
            {
                w.WriteString(argument);
            }

            w.WriteString(aggregate.StateName);
            w.WriteUInt((ulong)aggregate.StateVersion);
            w.WriteUInt((ulong)header.Read);
            w.WriteUInt((ulong)header.Written);
            w.WriteUInt((ulong)header.Filtered);
            w.WriteUInt((ulong)header.Rejected);
            w.WriteUInt((ulong)header.BadFiles);
        });
        body.WriteBlock(w => aggregate.WritePartial(partial, w));

        Span<byte> version = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(version, FormatVersion);
        var hash = new XxHash3();
        hash.Append(Magic);
        hash.Append(version);
        hash.Append(body.WrittenSpan);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, hash.GetCurrentHashAsUInt64());

        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            // Owner-only, like the reject log and the parts: a partial holds the usernames its tables will print.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(temp, options))
            {
                file.Write(Magic);
                file.Write(version);
                file.Write(body.WrittenSpan);
                file.Write(trailer);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Reads a partial file's header and checks its checksum; the reader is positioned at the state.</summary>
    /// <exception cref="InvalidDataException">Not a partial file, another format version, cut short or damaged (the message names the file).</exception>
    public static (PartialHeader Header, PartialReader State) Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < Magic.Length + 2 + 8 || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not an xanalytics partial file (no XAPART magic).");
        }

        int version = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(Magic.Length, 2));
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path} is a partial file of format version {version}; this xanalytics reads version {FormatVersion}.");
        }

        int end = data.Length - 8;
        if (XxHash3.HashToUInt64(data.AsSpan(0, end)) != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(end)))
        {
            throw new InvalidDataException($"{path} is damaged or cut short: its checksum does not match.");
        }

        var reader = new PartialReader(data.AsMemory(Magic.Length + 2, end - Magic.Length - 2), path);
        PartialReader h = reader.ReadBlock();
        string planId = h.ReadString();
        int index = h.ReadCount();
        int count = h.ReadCount();
        string command = h.ReadString();
        int n = h.ReadCount();
        var arguments = new string[n];
        for (int i = 0; i < n; i++)
        {
            arguments[i] = h.ReadString();
        }

        var header = new PartialHeader
        {
            PlanId = planId,
            Shard = new ShardSelection(index, count),
            Command = command,
            Arguments = arguments,
            StateName = h.ReadString(),
            StateVersion = h.ReadCount(),
            Read = (long)h.ReadUInt(),
            Written = (long)h.ReadUInt(),
            Filtered = (long)h.ReadUInt(),
            Rejected = (long)h.ReadUInt(),
            BadFiles = (long)h.ReadUInt(),
        };
        PartialReader state = reader.ReadBlock();
        if (!reader.AtEnd)
        {
            throw reader.Corrupt("bytes after the state");
        }

        return (header, state);
    }

    /// <summary>
    /// Reads the state of an opened partial file into a partial of <paramref name="aggregate"/>, checking that it
    /// is that aggregate's state, of its version, read to its end.
    /// </summary>
    /// <exception cref="InvalidDataException">Another aggregate's state, another version, or a damaged state.</exception>
    public static TPartial ReadState<TPartial>(PartialHeader header, PartialReader state, IPartialAggregate<TPartial> aggregate)
        where TPartial : class
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(aggregate);
        if (header.StateName != aggregate.StateName || header.StateVersion != aggregate.StateVersion)
        {
            throw new InvalidDataException($"{state.Source} holds state '{header.StateName}' version {header.StateVersion}; this merge needs '{aggregate.StateName}' version {aggregate.StateVersion}.");
        }

        TPartial partial = aggregate.ReadPartial(state);
        if (!state.AtEnd)
        {
            throw state.Corrupt($"bytes left after the '{header.StateName}' state");
        }

        return partial;
    }
}
