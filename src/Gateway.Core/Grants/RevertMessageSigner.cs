using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Grants;

/// <summary>
/// Seals and opens revert messages: <c>{"grant_id", "token_id", "expires_at", "nonce", "attempt", "mac"}</c> and, when
/// the change that made the grant had a trace, <c>"traceparent"</c>; <c>mac</c> is HMAC-SHA256 under the revert key (a
/// Key Vault secret only the app reads) over every other member, so a message nobody with the key wrote, or one altered
/// on the way, is refused. Opening is strict: exactly these members, of these types, or nothing.
/// </summary>
public static class RevertMessageSigner
{
    /// <summary>The least key length taken: 32 bytes, as for the webhook signing secret.</summary>
    public const int MinimumKeyBytes = 32;

    private static readonly string[] Members = ["v", "grant_id", "token_id", "expires_at", "nonce", "attempt", "mac"];
    private const string TraceParentMember = "traceparent";

    /// <summary>The key as read from the vault, if it is long enough to seal with; a short one is never used.</summary>
    public static string Usable(string key) => Encoding.UTF8.GetByteCount(key) >= MinimumKeyBytes
        ? key
        : throw new Outcomes.DependencyUnavailableException(Outcomes.Dependency.KeyVault, $"The revert key is shorter than {MinimumKeyBytes} bytes and is not used.");

    public static byte[] Seal(RevertMessage message, string key)
    {
        var node = new JsonObject
        {
            ["v"] = 1,
            ["grant_id"] = message.GrantId,
            ["token_id"] = message.TokenId,
            ["expires_at"] = message.ExpiresAt.ToUnixTimeMilliseconds(),
            ["nonce"] = message.Nonce,
            ["attempt"] = message.Attempt,
            ["mac"] = Convert.ToHexStringLower(Mac(message, key)),
        };
        if (message.TraceParent is { } traceParent) node[TraceParentMember] = traceParent;
        return JsonSerializer.SerializeToUtf8Bytes(node);
    }

    /// <summary>The message, if it is exactly one this gateway sealed with <paramref name="key"/>; otherwise null.</summary>
    public static RevertMessage? Open(ReadOnlySpan<byte> body, string key)
    {
        if (Read(body) is not { } read) return null;
        var (message, mac) = read;
        return CryptographicOperations.FixedTimeEquals(Mac(message, key), mac) ? message : null;
    }

    /// <summary>The token the message names, if it names a valid one, for the refusal's audit record; never trusted beyond that.</summary>
    public static string? ClaimedTokenId(ReadOnlySpan<byte> body) => Read(body)?.Message.TokenId;

    private static (RevertMessage Message, byte[] Mac)? Read(ReadOnlySpan<byte> body)
    {
        if (body.Length > 1024) return null;
        try
        {
            var root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 2, AllowDuplicateProperties = false }) as JsonObject;
            if (root is null) return null;
            string? traceParent = null;
            if (root.ContainsKey(TraceParentMember))
            {
                traceParent = Str(root[TraceParentMember]);
                if (GatewayActivity.ParseTraceParent(traceParent, null) is null) return null;
            }
            var expected = Members.Length + (traceParent is null ? 0 : 1);
            if (root.Count != expected || root.Any(m => m.Key != TraceParentMember && Array.IndexOf(Members, m.Key) < 0)) return null;
            if (Int(root["v"]) != 1) return null;
            var grantId = Str(root["grant_id"]);
            var tokenId = Str(root["token_id"]);
            var nonce = Str(root["nonce"]);
            var mac = Str(root["mac"]);
            if (!Ids.IsValid(grantId) || !Ids.IsValid(tokenId) || nonce is not { Length: 32 } || !nonce.All(char.IsAsciiHexDigitLower)
                || mac is not { Length: 64 } || !mac.All(char.IsAsciiHexDigitLower))
                return null;
            if (Long(root["expires_at"]) is not { } expires || Int(root["attempt"]) is not { } attempt || attempt < 0) return null;
            return (new RevertMessage(grantId!, tokenId!, DateTimeOffset.FromUnixTimeMilliseconds(expires), nonce, attempt) { TraceParent = traceParent }, Convert.FromHexString(mac));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static byte[] Mac(RevertMessage message, string key)
    {
        var text = string.Join('\n', "revert-v1", message.GrantId, message.TokenId,
            message.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), message.Nonce,
            message.Attempt.ToString(CultureInfo.InvariantCulture));
        // A message without a trace is sealed exactly as before traces were carried, so messages already queued still open.
        if (message.TraceParent is { } traceParent) text += "\n" + traceParent;
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text));
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    private static long? Long(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n : null;
    private static int? Int(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) ? n : null;
}
