using System.Text.Json;
using System.Text.Json.Nodes;

namespace AccessTokenGateway.DatoCms;

/// <summary>DatoCMS's <c>GET /access_tokens</c> document: every token of the project, of which only the ones asked for are kept.</summary>
public static class AccessTokenList
{
    /// <summary>
    /// The tokens <paramref name="wanted"/> (all when null) of a <c>{"data": [access_token, …]}</c> document, each read as
    /// <see cref="AccessTokenResource"/> reads one (its secret nulled after it is compared with <paramref name="bearer"/>),
    /// and the number of tokens the list holds. Null when the document is not such a list, or names an id twice (it
    /// cannot be trusted then). The other tokens, secrets and all, are never built: the list is walked, not kept.
    /// </summary>
    public static (IReadOnlyDictionary<string, AccessTokenResource> Tokens, int Count)? TryRead(ReadOnlyMemory<byte> body, string bearer, IReadOnlySet<string>? wanted)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var items)
                || items.ValueKind != JsonValueKind.Array) return null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var tokens = new Dictionary<string, AccessTokenResource>(StringComparer.Ordinal);
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                    || type.GetString() != "access_token" || !item.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String) return null;
                var id = idElement.GetString()!;
                if (!seen.Add(id)) return null;
                if (wanted is not null && !wanted.Contains(id)) continue;
                // Each wanted resource becomes a document of its own, as a single GET answers it.
                if (AccessTokenResource.TryRead(new JsonObject { ["data"] = JsonNode.Parse(item.GetRawText()) }, bearer) is not { } token) return null;
                tokens[id] = token;
            }
            return (tokens, seen.Count);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
