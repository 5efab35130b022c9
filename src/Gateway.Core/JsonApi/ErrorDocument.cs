using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.JsonApi;

/// <summary>
/// Writes error documents in DatoCMS's shape:
/// <c>{"data":[{"id":"…","type":"api_error","attributes":{"code":"…","doc_url":"…","details":{…}}}]}</c>, plus
/// <c>"transient": true</c> only where a retry can help, as DatoCMS marks its own (DatoCMS's client retries those
/// without limit). <c>doc_url</c> points to the code's row in the README's Errors table.
/// </summary>
public static class ErrorDocument
{
    /// <summary>Where the README's Errors table is, relative to the repository's root; each code is an anchor in it.</summary>
    public const string ErrorsReadme = "README.md";

    /// <summary>The README anchor that explains <paramref name="code"/>.</summary>
    public static string Anchor(string code) => code.ToLowerInvariant();

    public static string DocUrl(string code) => ErrorsReadme + "#" + Anchor(code);

    public static JsonObject Build(string id, string code, JsonObject? details, bool transient)
    {
        var attributes = new JsonObject
        {
            ["code"] = code,
            ["doc_url"] = DocUrl(code),
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

    /// <summary>
    /// DatoCMS's own errors, every one of them with its <c>doc_url</c>, as DatoCMS sent them, each under the gateway's
    /// <paramref name="id"/> (the audit id, as on every error the gateway answers). With no error of DatoCMS's to pass
    /// on, the gateway's own document for the code.
    /// </summary>
    public static byte[] SerializePassedOn(string id, DatoCms.UpstreamError error)
    {
        if (error.Errors.Count == 0) return Serialize(id, error.Code, error.Details, transient: false);
        var errors = new JsonArray();
        foreach (var item in error.Errors)
        {
            var copy = item!.DeepClone().AsObject();
            copy.Remove("id");
            copy.Insert(0, "id", id);
            errors.Add(copy);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["data"] = errors });
    }
}
