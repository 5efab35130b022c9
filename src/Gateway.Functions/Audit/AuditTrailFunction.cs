using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Audit;

/// <summary>
/// <c>GET /api/audit</c>: the audit trail, read from the archive (see <see cref="AuditQuery"/> for the parameters),
/// newest first, as <c>{"data": [records…], "meta": {"next_cursor": …}}</c>. Function-level authorization: in Azure
/// give readers a key of this function only, which cannot change a token.
/// </summary>
public sealed class AuditTrailFunction(AuditArchiveReader archive, TimeProvider time)
{
    [Function("ReadAuditTrail")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "audit")] HttpRequest request)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var (query, error) = AuditQuery.Parse(request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))), time.GetUtcNow());
        if (query is null) return Json(400, ErrorDocument.Build(id, AuditQuery.InvalidQueryCode, error, transient: false));
        try
        {
            var (page, next) = await archive.QueryAsync(query, request.HttpContext.RequestAborted);
            var meta = new JsonObject { ["count"] = page.Count };
            if (next is not null) meta["next_cursor"] = next.Encode();
            return Json(200, new JsonObject { ["data"] = new JsonArray(page.Select(r => (JsonNode)r.Json.DeepClone()).ToArray()), ["meta"] = meta });
        }
        catch (DependencyUnavailableException)
        {
            return Json(503, ErrorDocument.Build(id, ErrorCodes.AuditUnavailable, new JsonObject { ["message"] = "The audit archive could not be read." }, transient: true));
        }
    }

    private static JsonAnswer Json(int status, JsonObject body) => new(status, body);
}
