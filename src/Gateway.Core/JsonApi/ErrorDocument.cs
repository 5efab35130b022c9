using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.JsonApi;

/// <summary>
/// Writes error documents in DatoCMS's shape:
/// <c>{"data":[{"id":"…","type":"api_error","attributes":{"code":"…","details":{…}}}]}</c>, plus <c>"transient": true</c>
/// where a retry can help, as DatoCMS marks its own.
/// </summary>
public static class ErrorDocument
{
    public static JsonObject Build(string id, string code, JsonObject? details, bool transient)
    {
        var attributes = new JsonObject
        {
            ["code"] = code,
            ["details"] = details?.DeepClone() ?? new JsonObject(),
        };
        if (transient) attributes["transient"] = true;
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

    public static byte[] Serialize(string id, string code, JsonObject? details, bool transient) =>
        JsonSerializer.SerializeToUtf8Bytes(Build(id, code, details, transient));
}
