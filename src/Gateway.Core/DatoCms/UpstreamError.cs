using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// A DatoCMS error document, with the status DatoCMS answered it with: the first error's code, details and
/// <c>transient</c> (what the gateway decides on), and <see cref="Errors"/>, every error of the document as the gateway
/// passes it on (<c>id</c>, <c>type</c>, and of the attributes only <c>code</c>, <c>transient</c>, <c>doc_url</c>, <c>details</c>).
/// </summary>
public sealed record UpstreamError(int Status, string Code, JsonObject? Details, bool Transient)
{
    private static readonly string[] PassedAttributes = ["code", "transient", "doc_url", "details"];

    /// <summary>Every error of DatoCMS's document, as passed on; empty for an error the gateway made up from a bare status.</summary>
    public JsonArray Errors { get; init; } = [];

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
            if (errors[0] is not JsonObject first || !IsApiError(first)) return null;
            var attributes = first["attributes"] as JsonObject;
            var code = attributes?["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : "UNKNOWN";
            var details = attributes?["details"] as JsonObject;
            var transient = attributes?["transient"] is JsonValue t && t.GetValueKind() == JsonValueKind.True;
            var all = new JsonArray();
            foreach (var error in errors)
                if (error is JsonObject item && IsApiError(item)) all.Add(PassedOn(item));
            return new UpstreamError(status, code, (JsonObject?)details?.DeepClone(), transient) { Errors = all };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsApiError(JsonObject item) =>
        item["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "api_error";

    private static JsonObject PassedOn(JsonObject item)
    {
        var attributes = new JsonObject();
        if (item["attributes"] is JsonObject given)
            foreach (var name in PassedAttributes)
                if (given[name] is { } value) attributes[name] = value.DeepClone();
        var passed = new JsonObject();
        if (item["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String) passed["id"] = id.GetValue<string>();
        passed["type"] = "api_error";
        passed["attributes"] = attributes;
        return passed;
    }
}
