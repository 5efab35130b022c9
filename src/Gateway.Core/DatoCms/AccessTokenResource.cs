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

    /// <summary>Reads a <c>{"data": access_token}</c> document; null when it is not one. The <c>token</c> attribute is nulled.</summary>
    public static AccessTokenResource? TryRead(JsonObject body)
    {
        if (body["data"] is not JsonObject data || Str(data["type"]) != "access_token" || Str(data["id"]) is not { } id)
            return null;
        if (data["attributes"] is not JsonObject attributes) return null;
        if (attributes.ContainsKey("token")) attributes["token"] = null;
        return TokenJson.FromResource(data) is { } state
            ? new AccessTokenResource(id, state, Str(attributes["hardcoded_type"]), body)
            : null;
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
