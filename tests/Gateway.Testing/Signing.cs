using System.Security.Cryptography;
using System.Text;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// What a webhook sender does, written independently of the gateway's code: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>,
/// the HMAC-SHA256 of <c>"&lt;t&gt;.&lt;body&gt;"</c> keyed by the secret's UTF-8 bytes.
/// </summary>
public static class Signing
{
    public const string Secret = "test-webhook-signing-secret-5b1e0c7d9a2f4e68";
    public const string PreviousSecret = "previous-webhook-signing-secret-93c2d7e1f0a4";

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static string V1(string secret, string timestamp, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(timestamp + ".").Concat(body).ToArray()));

    public static string Header(byte[] body, long? t = null, string secret = Secret)
    {
        var timestamp = (t ?? Now).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={V1(secret, timestamp, body)}";
    }

    /// <summary>
    /// A <c>v2</c> header, written from SECURITY.md rather than the gateway's code: the HMAC of
    /// <c>v2\n&lt;t&gt;\n&lt;METHOD&gt;\n&lt;path&gt;\n&lt;query&gt;\n</c>, a <c>name:value\n</c> line per X-Change-* header
    /// (lower-case names, sorted), an empty line, then the body.
    /// </summary>
    public static string V2Header(string method, string path, string query, IEnumerable<(string Name, string Value)> changeHeaders, byte[] body, long? t = null, string secret = Secret)
    {
        var timestamp = (t ?? Now).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder($"v2\n{timestamp}\n{method}\n{path}\n{query}\n");
        foreach (var (name, value) in changeHeaders.Select(h => (h.Name.ToLowerInvariant(), h.Value)).OrderBy(h => h.Item1, StringComparer.Ordinal))
            text.Append(name).Append(':').Append(value).Append('\n');
        text.Append('\n');
        var signed = Encoding.UTF8.GetBytes(text.ToString()).Concat(body).ToArray();
        return $"t={timestamp},v2={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }

    /// <summary>Harness settings for a gateway that requires signatures, with its own replay table so tests never see each other's signatures.</summary>
    public static void Require(HarnessOptions options, string? replayTable = null)
    {
        options.Settings["Signatures:Enabled"] = "true";
        options.Settings["Signatures:DevelopmentSecret"] = Secret;
        options.Settings["Signatures:ReplayTableName"] = replayTable ?? UniqueTable();
    }

    public static string UniqueTable() => "replay" + Guid.NewGuid().ToString("N")[..16];
}
