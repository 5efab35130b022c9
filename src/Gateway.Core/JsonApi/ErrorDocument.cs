using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.JsonApi;

/// <summary>
/// Writes and reads error documents in DatoCMS's shape:
/// <c>{"data":[{"id":"…","type":"api_error","attributes":{"code":"…","details":{…}}}]}</c>.
/// </summary>
public static class ErrorDocument
{
    public static JsonObject Build(ApiError error, string id)
    {
        var attributes = new JsonObject
        {
            ["code"] = error.Code,
            ["details"] = error.Details?.DeepClone() ?? new JsonObject(),
        };
        if (error.Transient) attributes["transient"] = true;
        return new JsonObject
        {
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = id,
                ["type"] = "api_error",
                ["attributes"] = attributes,
            }),
        };
    }

    public static byte[] Serialize(ApiError error, string id) =>
        JsonSerializer.SerializeToUtf8Bytes(Build(error, id));

    /// <summary>
    /// Reads the first error of a DatoCMS error document, recognised the way DatoCMS's client does: an array
    /// under <c>data</c> whose first element has <c>type: "api_error"</c>. Null when the body is not one.
    /// </summary>
    public static ApiError? TryRead(int status, ReadOnlySpan<byte> body)
    {
        try
        {
            var root = JsonNode.Parse(body);
            if (root?["data"] is not JsonArray { Count: > 0 } errors) return null;
            if (errors[0] is not JsonObject first || first["type"]?.GetValueKind() != JsonValueKind.String
                || first["type"]!.GetValue<string>() != "api_error") return null;
            var attributes = first["attributes"] as JsonObject;
            var code = attributes?["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : "UNKNOWN";
            var details = attributes?["details"] as JsonObject;
            var transient = attributes?["transient"] is JsonValue t && t.GetValueKind() == JsonValueKind.True;
            return new ApiError(status, code, (JsonObject?)details?.DeepClone(), transient);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
