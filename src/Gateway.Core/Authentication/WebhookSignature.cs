using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// The signing schemes for webhook senders: <c>X-Signature: t=&lt;unix seconds&gt;,v2=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>. Each value is
/// the lowercase hex HMAC-SHA256, keyed by the UTF-8 bytes of a signing secret, of
/// <list type="bullet">
/// <item><c>v2</c>: <see cref="CanonicalV2"/> — the method, path, query, every <c>X-Change-*</c> header and the body;</item>
/// <item><c>v1</c> (kept for existing senders): the ASCII timestamp, a full stop, and the raw body bytes exactly as sent.
///   It covers the body only, so a request it authenticates may carry no metadata outside the body.</item>
/// </list>
/// Several values let a sender sign with an old and a new secret while a secret is being rotated.
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

    /// <summary>
    /// The string a <c>v2</c> signature is the HMAC of, as UTF-8 bytes followed by the raw body:
    /// <code>
    /// v2 LF &lt;t&gt; LF &lt;METHOD&gt; LF &lt;path&gt; LF &lt;query without ?&gt; LF
    /// &lt;name&gt;:&lt;value&gt; LF   — one line per X-Change-* header, the name in lower case, sorted by name (ordinal)
    /// LF                         — an empty line ends the headers
    /// &lt;body bytes&gt;
    /// </code>
    /// A header's value is as received (several values of one name joined with <c>,</c>). No header line can be empty
    /// or hold a line feed, so the empty line cannot be forged and nothing can move from one part to another.
    /// </summary>
    public static byte[] CanonicalV2(string timestamp, SignedRequest request)
    {
        var head = new StringBuilder("v2\n").Append(timestamp).Append('\n')
            .Append(request.Method.ToUpperInvariant()).Append('\n')
            .Append(request.Path).Append('\n')
            .Append(request.Query).Append('\n');
        foreach (var (name, value) in request.ChangeHeaders
                     .Select(h => (Name: h.Key.ToLowerInvariant(), h.Value))
                     .GroupBy(h => h.Name, StringComparer.Ordinal)
                     .Select(g => (g.Key, string.Join(",", g.Select(h => h.Value))))
                     .OrderBy(h => h.Key, StringComparer.Ordinal))
            head.Append(name).Append(':').Append(value).Append('\n');
        head.Append('\n');
        var text = Encoding.UTF8.GetBytes(head.ToString());
        var canonical = new byte[text.Length + request.Body.Length];
        text.CopyTo(canonical, 0);
        request.Body.Span.CopyTo(canonical.AsSpan(text.Length));
        return canonical;
    }

    /// <summary>The HMAC-SHA256 of <see cref="CanonicalV2"/> keyed by <paramref name="secret"/>.</summary>
    public static byte[] ComputeV2(ReadOnlySpan<byte> secret, string timestamp, SignedRequest request) =>
        HMACSHA256.HashData(secret, CanonicalV2(timestamp, request));

    /// <summary>A <c>v2</c> header for <paramref name="request"/>: what a sender computes, for tests, tools and the documentation.</summary>
    public static string CreateV2Header(long unixSeconds, SignedRequest request, params string[] secrets) => CreateSenderV2Header(unixSeconds, request, null, secrets);

    /// <summary>A <c>v2</c> header signed with a named sender's secret (<c>k=&lt;sender&gt;</c>); no <c>k</c> when <paramref name="sender"/> is null.</summary>
    public static string CreateSenderV2Header(long unixSeconds, SignedRequest request, string? sender, params string[] secrets)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var header = new StringBuilder("t=").Append(t);
        if (sender is not null) header.Append(",k=").Append(sender);
        foreach (var secret in secrets)
            header.Append(",v2=").Append(Convert.ToHexStringLower(ComputeV2(Encoding.UTF8.GetBytes(secret), t, request)));
        return header.ToString();
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
    /// digits), at most one <c>k</c> (a named sender, <see cref="SignaturesOptions.IsSenderId"/>), one to
    /// <see cref="MaxSignatures"/> <c>v1</c> and <c>v2</c> values together (64 hex digits each). Other
    /// schemes (<c>v0=</c>, <c>v3=</c>…) are skipped so a sender may add a newer one; anything else makes the header malformed.
    /// </summary>
    public static bool TryParse(string? header, out ParsedSignature signature)
    {
        signature = default;
        if (string.IsNullOrEmpty(header) || header.Length > MaxHeaderLength) return false;

        string? timestamp = null;
        var signatures = new List<byte[]>();
        var v2 = new List<byte[]>();
        string? sender = null;
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
            else if (name == "k")
            {
                if (sender is not null || !SignaturesOptions.IsSenderId(value)) return false;
                sender = value;
            }
            else if (name is "v1" or "v2")
            {
                if (value.Length != SignatureHexLength || !value.All(char.IsAsciiHexDigit) || signatures.Count + v2.Count == MaxSignatures) return false;
                (name == "v1" ? signatures : v2).Add(Convert.FromHexString(value));
            }
            else if (!IsOtherScheme(name) || value.Length == 0 || !value.All(char.IsAsciiLetterOrDigit))
            {
                return false;
            }
        }
        if (timestamp is null || signatures.Count + v2.Count == 0) return false;
        signature = new ParsedSignature(timestamp, long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture), signatures, v2, sender);
        return true;
    }

    private static bool IsOtherScheme(string name) =>
        name.Length is >= 2 and <= 4 && name[0] == 'v' && name[1..].All(char.IsAsciiDigit);
}
