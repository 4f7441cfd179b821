using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using XAnalytics.Reports.Reference;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// What the learner tables keep of one event (40 bytes): its time, course, kinds, the chapter it opened and its
/// address, projected while the run reads (<see cref="LearnerTables"/>'s <c>Project</c>) and gathered by learner.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct LearnerEvent
{
    /// <summary>UTC time in ticks (when <see cref="LearnerEventFlags.Kept"/>).</summary>
    public long Ticks;

    /// <summary>The chapter opened (XxHash3 of its URL segment, never 0), or 0.</summary>
    public ulong Chapter;

    /// <summary>The address' first 8 bytes, big-endian (an IPv4 address in the low 4).</summary>
    public ulong AddressHigh;

    /// <summary>The address' last 8 bytes, big-endian (IPv6).</summary>
    public ulong AddressLow;

    /// <summary>The course's number (<see cref="CourseTable"/>), or -1.</summary>
    public int Course;

    public LearnerEventFlags Flags;

    public TaskKinds Kinds;

    private const int MaxAddressLength = 64;

    /// <summary>
    /// Keeps the address written <paramref name="ip"/> as <see cref="GeoIpCountryResolver.ResolveUtf8"/> reads it:
    /// a plain dotted quad is parsed here without allocating; anything else is decoded, trimmed and parsed by
    /// <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>; an unparseable one resolves to UNKNOWN.
    /// (An IPv6 scope id is dropped: the country lookup reads only the address bytes.)
    /// </summary>
    public void SetAddress(ReadOnlySpan<byte> ip)
    {
        Flags |= LearnerEventFlags.HasIp;
        if (TryParseDottedQuad(ip, out uint v4))
        {
            Flags |= LearnerEventFlags.IPv4;
            AddressHigh = v4;
            return;
        }

        if (ip.Length > MaxAddressLength)
        {
            return;
        }

        Span<char> chars = stackalloc char[MaxAddressLength];
        if (!Encoding.UTF8.TryGetChars(ip, chars, out int written) || !IPAddress.TryParse(chars[..written].Trim(), out IPAddress? address))
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int length))
        {
            return;
        }

        if (length == 4)
        {
            Flags |= LearnerEventFlags.IPv4;
            AddressHigh = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }
        else
        {
            Flags |= LearnerEventFlags.IPv6;
            AddressHigh = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            AddressLow = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        }
    }

    /// <summary>The country of the address kept (<see cref="GeoIpCountryResolver.Unknown"/> when it did not parse).</summary>
    public readonly string Country(GeoIpCountryResolver geoIp)
    {
        Span<byte> bytes = stackalloc byte[16];
        if ((Flags & LearnerEventFlags.IPv4) != 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)AddressHigh);
            return geoIp.Resolve(new IPAddress(bytes[..4]));
        }

        if ((Flags & LearnerEventFlags.IPv6) != 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes, AddressHigh);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], AddressLow);
            return geoIp.Resolve(new IPAddress(bytes));
        }

        return GeoIpCountryResolver.Unknown;
    }

    /// <summary><c>a.b.c.d</c>, each part 0 to 255 in 1 to 3 digits without a leading zero: the form every parser reads alike.</summary>
    private static bool TryParseDottedQuad(ReadOnlySpan<byte> ip, out uint address)
    {
        address = 0;
        int parts = 0;
        int digits = 0;
        uint part = 0;
        foreach (byte b in ip)
        {
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                if (digits > 0 && part == 0)
                {
                    return false; // a leading zero (octal to some parsers)
                }

                part = (part * 10) + (uint)(b - '0');
                if (++digits > 3 || part > 255)
                {
                    return false;
                }
            }
            else if (b == (byte)'.' && digits > 0 && parts < 3)
            {
                address = (address << 8) | part;
                parts++;
                part = 0;
                digits = 0;
            }
            else
            {
                return false;
            }
        }

        if (parts != 3 || digits == 0)
        {
            return false;
        }

        address = (address << 8) | part;
        return true;
    }
}
