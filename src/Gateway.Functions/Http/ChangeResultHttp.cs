using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.JsonApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AccessTokenGateway.Functions.Http;

/// <summary>
/// The one place a <see cref="ChangeResult"/> becomes an HTTP answer: DatoCMS's document (its secret <c>token</c>
/// already null) with the gateway's <c>meta</c>, or a DatoCMS-shaped error document; <c>X-Audit-Id</c> and
/// <c>X-Correlation-Id</c> on every answer, <c>Retry-After</c> on 429 and 503.
/// </summary>
public sealed class ChangeResultHttp(ChangeResult result) : IActionResult
{
    public const string AuditIdHeader = "X-Audit-Id";

    public int StatusCode => result.Error?.Status ?? 200;

    public byte[] Body()
    {
        if (result.Error is { } error) return ErrorDocument.Serialize(error, result.AuditId);

        var document = (JsonObject)result.Token!.Document.DeepClone();
        var diff = new JsonArray();
        foreach (var change in result.Diff)
            diff.Add(new JsonObject { ["field"] = change.Field, ["from"] = JsonValue.Create(change.From), ["to"] = JsonValue.Create(change.To) });
        var meta = new JsonObject
        {
            ["outcome"] = ChangeResult.OutcomeName(result.Outcome),
            ["audit_id"] = result.AuditId,
            ["diff"] = diff,
            ["policy"] = "allowed",
        };
        if (result.RevertAt is { } at) meta["revert_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (result.Outcome == ChangeOutcome.DryRun && result.After is { } after)
            meta["would_become"] = new JsonObject
            {
                ["name"] = after.Name,
                ["can_access_cda"] = after.CanAccessCda,
                ["can_access_cda_preview"] = after.CanAccessCdaPreview,
                ["can_access_cma"] = after.CanAccessCma,
                ["role_id"] = after.RoleId,
            };
        document["meta"] = meta;
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers[AuditIdHeader] = result.AuditId;
        response.Headers[HttpSubmission.CorrelationHeader] = result.CorrelationId;
        response.Headers.CacheControl = "no-store";
        if (result.Error is { Status: 429 or 503 })
            response.Headers.RetryAfter = ((int)Math.Ceiling((result.RetryAfter ?? TimeSpan.FromSeconds(3)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var body = Body();
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }
}
