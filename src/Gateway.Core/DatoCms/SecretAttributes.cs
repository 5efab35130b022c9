using System.Text.Json.Nodes;

namespace AccessTokenGateway.DatoCms;

/// <summary>The secret in a DatoCMS document: every resource's <c>token</c> attribute, nulled before the document goes anywhere.</summary>
public static class SecretAttributes
{
    /// <summary><paramref name="document"/> with the <c>token</c> attribute of every resource in <c>data</c> and <c>included</c> null.</summary>
    public static JsonObject Nulled(JsonObject document)
    {
        foreach (var member in new[] { "data", "included" })
        {
            switch (document[member])
            {
                case JsonObject resource:
                    Null(resource);
                    break;
                case JsonArray resources:
                    foreach (var item in resources)
                        if (item is JsonObject r) Null(r);
                    break;
            }
        }
        return document;
    }

    private static void Null(JsonObject resource)
    {
        if (resource["attributes"] is JsonObject attributes && attributes.ContainsKey("token")) attributes["token"] = null;
    }
}
