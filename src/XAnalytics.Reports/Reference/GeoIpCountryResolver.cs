using System.Collections.Frozen;
using System.Net;
using System.Text;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace XAnalytics.Reports.Reference;

/// <summary>
/// Maps IP addresses to ISO 3166-1 alpha-2 country codes with a MaxMind GeoIP2 or GeoLite2
/// Country database (<c>.mmdb</c>), read by MaxMind's own <see cref="DatabaseReader"/>.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="DatabaseReader"/> is safe for concurrent lookups, and this type
/// adds only immutable state. Answers are the database's <c>country.iso_code</c>; networks
/// with no country (e.g. satellite or anycast ranges that only carry a registered country)
/// resolve to <see cref="Unknown"/>, as do blank, unparseable and absent addresses.
/// </remarks>
public sealed class GeoIpCountryResolver : IDisposable
{
    /// <summary>The answer when an address has no country.</summary>
    public const string Unknown = "UNKNOWN";

    /// <summary>The file name pattern <see cref="FindDatabase"/> looks for.</summary>
    public const string DatabasePattern = "*Country*.mmdb";

    // Longest textual address worth parsing: a full IPv6 address with an embedded IPv4 tail
    // is 45 characters; the rest is room for a zone id ("%eth0").
    private const int MaxAddressLength = 64;

    // Codes come back as fresh strings from the database decoder; handing out one shared
    // instance per code lets callers group by reference-equal keys and keeps them out of gen 0.
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_codes =
        IsoCountries.Names.Keys.Append(Unknown).ToFrozenDictionary(static c => c, static c => c, StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly DatabaseReader _reader;

    // An IPv4-only database throws on IPv6 lookups rather than answering "not found".
    private readonly bool _ipv4Only;

    private GeoIpCountryResolver(DatabaseReader reader, string path)
    {
        _reader = reader;
        _ipv4Only = reader.Metadata.IPVersion == 4;
        DatabasePath = path;
    }

    /// <summary>The database file in use.</summary>
    public string DatabasePath { get; }

    /// <summary>The database's type from its metadata, e.g. <c>GeoLite2-Country</c>.</summary>
    public string DatabaseType => _reader.Metadata.DatabaseType;

    /// <summary>
    /// Opens a database. <paramref name="path"/> is either an <c>.mmdb</c> file or a directory,
    /// in which the first <c>*Country*.mmdb</c> by ordinal file name is used.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file, or the directory holds no <c>*Country*.mmdb</c>.</exception>
    /// <exception cref="ArgumentException">
    /// The file is not a MaxMind database, or not a Country database (City and others answer other queries).
    /// </exception>
    public static GeoIpCountryResolver Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = Directory.Exists(path)
            ? FindDatabase(path) ?? throw new FileNotFoundException($"GeoIP: no '{DatabasePattern}' file in {path}.")
            : File.Exists(path) ? path : throw new FileNotFoundException($"GeoIP database not found: {path}", path);

        DatabaseReader reader;
        try
        {
            reader = new DatabaseReader(file, FileAccessMode.MemoryMapped);
        }
        catch (Exception e) when (e is InvalidDatabaseException or IOException or ArgumentException)
        {
            // MaxMind's own exception went up as a stack trace; an empty file fails the memory map instead.
            throw new ArgumentException($"GeoIP: {file} is not a MaxMind database (.mmdb): {e.Message}", e);
        }

        if (!reader.Metadata.DatabaseType.Contains("Country", StringComparison.Ordinal))
        {
            var type = reader.Metadata.DatabaseType;
            reader.Dispose();
            throw new ArgumentException($"GeoIP: {file} is a '{type}' database, not a Country database.", nameof(path));
        }

        return new GeoIpCountryResolver(reader, file);
    }

    /// <summary>The first <c>*Country*.mmdb</c> in <paramref name="directory"/> (ordinal order of file names, so the choice is stable), or <see langword="null"/>.</summary>
    public static string? FindDatabase(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var files = Directory.GetFiles(directory, DatabasePattern, SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        return files.Length == 0 ? null : files[0];
    }

    /// <summary>The ISO code for an address, or <see cref="Unknown"/> for null, blank, unparseable or unknown addresses.</summary>
    public string Resolve(string? ip) => ip is null ? Unknown : Resolve(ip.AsSpan());

    /// <summary>The ISO code for an address given as characters; surrounding whitespace is ignored.</summary>
    public string Resolve(ReadOnlySpan<char> ip)
    {
        ip = ip.Trim();
        return !ip.IsEmpty && IPAddress.TryParse(ip, out var address) ? Resolve(address) : Unknown;
    }

    /// <summary>
    /// The ISO code for an address given as UTF-8 bytes (as it sits in a log line), without
    /// making a string of it: the bytes are transcoded on the stack.
    /// </summary>
    public string ResolveUtf8(ReadOnlySpan<byte> ip)
    {
        if (ip.Length > MaxAddressLength)
        {
            return Unknown;
        }

        Span<char> chars = stackalloc char[MaxAddressLength];
        return Encoding.UTF8.TryGetChars(ip, chars, out var written) ? Resolve(chars[..written]) : Unknown;
    }

    /// <summary>The ISO code for a parsed address.</summary>
    public string Resolve(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);

        // ::ffff:a.b.c.d is an IPv4 address; look it up as one so it does not depend on how
        // the database aliases the mapped range.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (_ipv4Only && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return Unknown;
        }

        if (!_reader.TryCountry(address, out var response) || response?.Country.IsoCode is not { Length: > 0 } code)
        {
            return Unknown;
        }

        return s_codes.TryGetValue(code.AsSpan(), out var shared) ? shared : code;
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => _reader.Dispose();
}
