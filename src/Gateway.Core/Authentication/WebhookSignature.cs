using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// The signing scheme for webhook senders: <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>, where
/// each <c>v1</c> is the lowercase hex HMAC-SHA256, keyed by the UTF-8 bytes of a signing secret, of the ASCII
/// timestamp, a full stop, and the raw body bytes exactly as sent. Several <c>v1</c> values let a sender sign with
/// an old and a new secret while a secret is being rotated.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Signature";

    /// <summary>Longer headers are refused unread: five signatures and a timestamp fit in well under this.</summary>
    public const int MaxHeaderLength = 512;
    public const int MaxSignatures = 5;
    private const int MaxTimestampDigits = 12;
    private const int SignatureHexLength = 64;

    /// <summary>The HMAC-SHA256 of <c>"&lt;t&gt;.&lt;body&gt;"</c> keyed by <paramref name="secret"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp));
        hmac.AppendData("."u8);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>The header a sender sends: what a webhook sender computes, for tests, tools and the documentation.</summary>
    public static string CreateHeader(long unixSeconds, ReadOnlySpan<byte> body, params string[] secrets)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var header = new StringBuilder("t=").Append(t);
        foreach (var secret in secrets)
            header.Append(",v1=").Append(Convert.ToHexStringLower(Compute(Encoding.UTF8.GetBytes(secret), t, body)));
        return header.ToString();
    }

    /// <summary>
    /// Reads the header strictly: comma-separated <c>name=value</c> pairs without spaces, exactly one <c>t</c> (decimal
    /// digits), one to <see cref="MaxSignatures"/> <c>v1</c> (64 hex digits each). Other schemes (<c>v0=</c>, <c>v2=</c>…)
    /// are skipped so a sender may add a newer one beside <c>v1</c>; anything else makes the header malformed.
    /// </summary>
    public static bool TryParse(string? header, out ParsedSignature signature)
    {
        signature = default;
        if (string.IsNullOrEmpty(header) || header.Length > MaxHeaderLength) return false;

        string? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var element in header.Split(','))
        {
            var equals = element.IndexOf('=');
            if (equals <= 0) return false;
            var (name, value) = (element[..equals], element[(equals + 1)..]);
            if (name == "t")
            {
                if (timestamp is not null || value.Length is 0 or > MaxTimestampDigits || !value.All(char.IsAsciiDigit)) return false;
                timestamp = value;
            }
            else if (name == "v1")
            {
                if (value.Length != SignatureHexLength || !value.All(char.IsAsciiHexDigit) || signatures.Count == MaxSignatures) return false;
                signatures.Add(Convert.FromHexString(value));
            }
            else if (!IsOtherScheme(name) || value.Length == 0 || !value.All(char.IsAsciiLetterOrDigit))
            {
                return false;
            }
        }
        if (timestamp is null || signatures.Count == 0) return false;
        signature = new ParsedSignature(timestamp, long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture), signatures);
        return true;
    }

    private static bool IsOtherScheme(string name) =>
        name.Length is >= 2 and <= 4 && name[0] == 'v' && name[1..].All(char.IsAsciiDigit);
}
