using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AccessTokenGateway.Tokens;

/// <summary>
/// The one mapping of a <see cref="TokenState"/> to and from JSON: DatoCMS's <c>access_token</c> resource (the body of
/// every <c>PUT</c>, and what DatoCMS answers) and the gateway's own form declared on <see cref="TokenState"/>.
/// </summary>
public static class TokenJson
{
    /// <summary>DatoCMS's update document for <paramref name="state"/>: what DatoCMS receives, never the caller's bytes.</summary>
    public static JsonObject UpdateDocument(string id, TokenState state) => new()
    {
        ["data"] = new JsonObject
        {
            ["type"] = "access_token",
            ["id"] = id,
            ["attributes"] = new JsonObject
            {
                [TokenFields.Name] = state.Name,
                [TokenFields.CanAccessCda] = state.CanAccessCda,
                [TokenFields.CanAccessCdaPreview] = state.CanAccessCdaPreview,
                [TokenFields.CanAccessCma] = state.CanAccessCma,
            },
            ["relationships"] = new JsonObject
            {
                ["role"] = new JsonObject
                {
                    ["data"] = state.RoleId is null ? null : new JsonObject { ["type"] = "role", ["id"] = state.RoleId },
                },
            },
        },
    };

    /// <summary>The state of an <c>access_token</c> resource object as DatoCMS describes it; null when it is not one.</summary>
    public static TokenState? FromResource(JsonObject resource)
    {
        if (resource["attributes"] is not JsonObject attributes) return null;
        if (Str(attributes[TokenFields.Name]) is not { } name
            || Bool(attributes[TokenFields.CanAccessCda]) is not { } cda
            || Bool(attributes[TokenFields.CanAccessCdaPreview]) is not { } preview
            || Bool(attributes[TokenFields.CanAccessCma]) is not { } cma)
            return null;
        return new TokenState(name, cda, preview, cma, Str(resource["relationships"]?["role"]?["data"]?["id"]));
    }

    /// <summary>The gateway's own form of a state.</summary>
    public static JsonObject ToNode(TokenState state) =>
        JsonSerializer.SerializeToNode(state, TokenJsonContext.Default.TokenState)!.AsObject();

    /// <summary>
    /// Reads the gateway's own form strictly: every member present, none unknown, flags JSON booleans, <c>name</c> a
    /// string, <c>role_id</c> a string or null. Null when <paramref name="element"/> is not exactly that.
    /// </summary>
    public static TokenState? FromOwnForm(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        try
        {
            return element.Deserialize(TokenJsonContext.Default.TokenState);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool? Bool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;
}
