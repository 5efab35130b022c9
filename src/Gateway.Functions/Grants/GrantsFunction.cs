using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.Grants;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Grants;

/// <summary>
/// <c>GET /api/grants</c> (<c>?token_id=</c> for one token): the grants in force, from the registry — one resource per
/// grant, with its fields, expiry, requester, approver and audit id (the id of the change that made it), and its status:
/// <c>active</c> before its expiry, <c>overdue</c> once expired and not yet reverted.
/// </summary>
public sealed class GrantsFunction(IGrantRegistry registry, TimeProvider time)
{
    [Function("ListGrants")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "grants")] HttpRequest request)
    {
        string? tokenId = null;
        if (request.Query.TryGetValue("token_id", out var values))
        {
            tokenId = values.Count == 1 ? values[0] : null;
            if (!Ids.IsValid(tokenId))
                return Error(422, ErrorCodes.InvalidField, new JsonObject { ["field"] = "token_id", ["code"] = "VALIDATION_FORMAT", ["message"] = "token_id must be one DatoCMS token id." });
        }

        IReadOnlyList<Grant> rows;
        try
        {
            rows = await registry.ListAsync(tokenId, request.HttpContext.RequestAborted);
        }
        catch (DependencyUnavailableException unavailable)
        {
            return Error(503, ErrorCodes.RevertUnavailable, new JsonObject { ["message"] = unavailable.Message });
        }

        var now = time.GetUtcNow();
        var data = new JsonArray();
        foreach (var grant in rows.GroupBy(r => (r.TokenId, r.GrantId)).OrderBy(g => g.Min(r => r.ExpiresAt)).ThenBy(g => g.Key.TokenId, StringComparer.Ordinal))
        {
            var first = grant.OrderBy(r => r.ExpiresAt).First();
            var fields = new JsonArray();
            foreach (var row in grant.OrderBy(r => r.Field, StringComparer.Ordinal))
                fields.Add(new JsonObject { ["field"] = row.Field, ["granted_value"] = row.GrantedValue, ["value_before"] = row.ValueBefore });
            data.Add(new JsonObject
            {
                ["type"] = "grant",
                ["id"] = first.GrantId,
                ["attributes"] = new JsonObject
                {
                    ["token_id"] = first.TokenId,
                    ["status"] = first.IsDue(now) ? "overdue" : "active",
                    ["expires_at"] = Instant(first.ExpiresAt),
                    ["granted_at"] = Instant(first.GrantedAt),
                    ["requested_by"] = first.RequestedBy,
                    ["approved_by"] = first.ApprovedBy,
                    ["ticket"] = first.Ticket,
                    ["audit_id"] = first.GrantId,
                    ["overdue_reported_at"] = first.OverdueReportedAt is { } reported ? Instant(reported) : null,
                    ["fields"] = fields,
                },
            });
        }
        var document = new JsonObject { ["data"] = data, ["meta"] = new JsonObject { ["now"] = Instant(now) } };
        return Json(200, JsonSerializer.SerializeToUtf8Bytes(document));
    }

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private static IActionResult Error(int status, string code, JsonObject details) =>
        Json(status, ErrorDocument.Serialize(Guid.CreateVersion7().ToString("N"), code, details, transient: status == 503));

    private static IActionResult Json(int status, byte[] body) => new JsonAnswer(status, body);
}
