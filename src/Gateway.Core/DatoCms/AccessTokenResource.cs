using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;

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

        var name = Str(attributes["name"]);
        if (name is null || Bool(attributes["can_access_cda"]) is not { } cda || Bool(attributes["can_access_cda_preview"]) is not { } preview
            || Bool(attributes["can_access_cma"]) is not { } cma)
            return null;
        var roleId = Str(data["relationships"]?["role"]?["data"]?["id"]);
        var hardcoded = Str(attributes["hardcoded_type"]);
        return new AccessTokenResource(id, new TokenState(name, cda, preview, cma, roleId), hardcoded, body);
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool? Bool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;
}
