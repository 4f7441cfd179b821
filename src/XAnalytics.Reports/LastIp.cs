using System.Text;

namespace XAnalytics.Reports;

/// <summary>A user's latest address: the bytes are copied into a buffer the user owns, so no string per event.</summary>
internal sealed class LastIp
{
    private readonly byte[] _ip = new byte[64];
    private int _length;

    public long Ticks { get; private set; } = long.MinValue;

    public ReadOnlySpan<byte> Ip => _ip.AsSpan(0, _length);

    public void Offer(long ticks, ReadOnlySpan<byte> ip)
    {
        if (ticks < Ticks || (ticks == Ticks && ip.SequenceCompareTo(Ip) <= 0) || ip.Length > _ip.Length)
        {
            return;
        }

        Ticks = ticks;
        ip.CopyTo(_ip);
        _length = ip.Length;
    }

    public override string ToString() => Encoding.UTF8.GetString(Ip);
}
