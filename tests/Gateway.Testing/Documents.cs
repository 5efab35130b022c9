using System.Text.Json.Nodes;

namespace AccessTokenGateway.Tests.Support;

/// <summary>Change documents for tests, valid unless a test spoils them.</summary>
public static class Documents
{
    public static JsonObject Update(string id, string name = "Read-only API token", bool cda = true, bool preview = false, bool cma = false, string? roleId = "34") => new()
    {
        ["data"] = new JsonObject
        {
            ["type"] = "access_token",
            ["id"] = id,
            ["attributes"] = new JsonObject
            {
                ["name"] = name,
                ["can_access_cda"] = cda,
                ["can_access_cda_preview"] = preview,
                ["can_access_cma"] = cma,
            },
            ["relationships"] = new JsonObject
            {
                ["role"] = new JsonObject { ["data"] = roleId is null ? null : new JsonObject { ["type"] = "role", ["id"] = roleId } },
            },
        },
    };

    public static JsonObject WithMeta(this JsonObject document, JsonObject meta)
    {
        document["meta"] = meta;
        return document;
    }
}
