using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// An <c>access_token</c> resource as DatoCMS returned it, with its secret <c>token</c> attribute already
/// replaced by null: the secret never leaves this type.
/// </summary>
public sealed record AccessTokenResource(string Id, TokenState State, string? HardcodedType, JsonObject Document)
{
    /// <summary>Built-in tokens (the read-only token and the like) cannot be edited; DatoCMS marks them with a non-empty <c>hardcoded_type</c>.</summary>
    public bool IsBuiltIn => !string.IsNullOrEmpty(HardcodedType);

    /// <summary>
    /// This is the token the request that fetched it was authenticated with: the gateway's own CMA token. Decided from
    /// the secret before it is nulled; the secret itself is not kept.
    /// </summary>
    public bool IsTheBearer { get; init; }

    /// <summary>
    /// Reads a <c>{"data": access_token}</c> document; null when it is not one. The <c>token</c> attribute is nulled,
    /// after it is compared with <paramref name="bearer"/> (the CMA token the request used), in constant time.
    /// </summary>
    public static AccessTokenResource? TryRead(JsonObject body, string? bearer = null)
    {
        if (body["data"] is not JsonObject data || Str(data["type"]) != "access_token" || Str(data["id"]) is not { } id)
            return null;
        if (data["attributes"] is not JsonObject attributes) return null;
        var isTheBearer = bearer is not null && Str(attributes["token"]) is { } secret && SameSecret(secret, bearer);
        if (attributes.ContainsKey("token")) attributes["token"] = null;
        return TokenJson.FromResource(data) is { } state
            ? new AccessTokenResource(id, state, Str(attributes["hardcoded_type"]), body) { IsTheBearer = isTheBearer }
            : null;
    }

    /// <summary>Compares digests, so neither the time taken nor the lengths say anything about either secret.</summary>
    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
