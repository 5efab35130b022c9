using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AccessTokenGateway.Audit;

/// <summary>A place in the newest-first order: (time descending, chain, seq descending).</summary>
public sealed record AuditCursor(long UtcTicks, string Chain, long Seq) : IComparable<AuditCursor>
{
    public static AuditCursor Of(ArchivedRecord record) => new(record.Time.UtcTicks, record.Chain, record.Seq);

    /// <summary>Negative when this comes first in the newest-first order.</summary>
    public int CompareTo(AuditCursor? other)
    {
        if (other is null) return -1;
        var byTime = other.UtcTicks.CompareTo(UtcTicks);
        if (byTime != 0) return byTime;
        var byChain = string.CompareOrdinal(Chain, other.Chain);
        return byChain != 0 ? byChain : other.Seq.CompareTo(Seq);
    }

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{UtcTicks}|{Seq}|{Chain}")));

    public static AuditCursor? Parse(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|', 3);
            return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                   && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                ? new AuditCursor(ticks, parts[2], seq) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
