using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.DatoCms;

/// <summary>The first error of a DatoCMS error document, with the status DatoCMS answered it with.</summary>
public sealed record UpstreamError(int Status, string Code, JsonObject? Details, bool Transient)
{
    /// <summary>
    /// Reads a DatoCMS error document the way DatoCMS's client recognises one: an array under <c>data</c> whose first
    /// element has <c>type: "api_error"</c>. Null when the body is not one.
    /// </summary>
    public static UpstreamError? TryRead(int status, ReadOnlySpan<byte> body)
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
            return new UpstreamError(status, code, (JsonObject?)details?.DeepClone(), transient);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
