using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.DatoCms;

/// <summary>DatoCMS's <c>GET /access_tokens</c> document: every token, by id, each read as <see cref="AccessTokenResource"/> reads one.</summary>
public static class AccessTokenList
{
    /// <summary>
    /// Every token of a <c>{"data": [access_token, …]}</c> document, each secret nulled (after it is compared with
    /// <paramref name="bearer"/>); null when the document is not such a list, or names one id twice (it cannot be trusted then).
    /// </summary>
    public static IReadOnlyDictionary<string, AccessTokenResource>? TryRead(ReadOnlySpan<byte> body, string bearer)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(body); } catch (JsonException) { return null; }
        if (root?["data"] is not JsonArray items) return null;
        var tokens = new Dictionary<string, AccessTokenResource>(items.Count, StringComparer.Ordinal);
        for (var i = items.Count - 1; i >= 0; i--)
        {
            // Each resource is moved out of the list into a document of its own, as a single GET answers it.
            var item = items[i];
            items.RemoveAt(i);
            if (AccessTokenResource.TryRead(new JsonObject { ["data"] = item }, bearer) is not { } token || !tokens.TryAdd(token.Id, token)) return null;
        }
        return tokens;
    }
}
