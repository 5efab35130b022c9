using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AccessTokenGateway.Functions.Http;

/// <summary>
/// The one place a <see cref="ChangeResult"/> becomes an HTTP answer: DatoCMS's document (its secret <c>token</c>
/// already null) with the gateway's <c>meta</c>, or a DatoCMS-shaped error document with the status of
/// <see cref="ErrorStatus"/>; <c>X-Audit-Id</c> and <c>X-Correlation-Id</c> always, <c>Retry-After</c> on 429 and 503, and on 429 also
/// <c>X-RateLimit-Reset</c>, what DatoCMS's client waits on.
/// </summary>
public sealed class OutcomeHttp(ChangeResult result) : IActionResult
{
    public const string AuditIdHeader = "X-Audit-Id";
    public const string RateLimitResetHeader = "X-RateLimit-Reset";

    public int StatusCode => ErrorStatus.Of(result.Outcome);

    public byte[] Body() => result.Outcome switch
    {
        Applied applied => Success(applied.After, applied.Diff, meta => { if (applied.RevertAt is { } at) meta["revert_at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture); }),
        NoChange noChange => Success(noChange.Current, [], _ => { }),
        DryRun dryRun => Success(dryRun.Current, dryRun.Diff, meta => meta["would_become"] = TokenJson.ToNode(dryRun.WouldBecome)),
        var failure => ErrorBody(result.AuditId, failure),
    };

    /// <summary>The error document of an outcome that is not a success: DatoCMS's own errors passed on, or the gateway's.</summary>
    internal static byte[] ErrorBody(string id, Outcome failure) => failure switch
    {
        RefusedByDatoCms byDatoCms => ErrorDocument.SerializePassedOn(id, byDatoCms.Error),
        _ => ErrorDocument.Serialize(id, failure.Code!, Details(failure), failure.IsTransient),
    };

    /// <summary><c>Retry-After</c> where coming back later helps, and on 429 <c>X-RateLimit-Reset</c>, what DatoCMS's client waits on.</summary>
    internal static void AddRetryHeaders(HttpResponse response, Outcome outcome)
    {
        if (RetryAfter(outcome) is not { } retryAfter) return;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.Headers.RetryAfter = seconds;
        if (ErrorStatus.Of(outcome) == 429) response.Headers[RateLimitResetHeader] = seconds;
    }

    private byte[] Success(AccessTokenResource token, IReadOnlyList<FieldChange> diff, Action<JsonObject> addMeta)
    {
        var document = (JsonObject)token.Document.DeepClone();
        var changes = new JsonArray();
        foreach (var change in diff)
            changes.Add(new JsonObject { ["field"] = change.Field, ["from"] = JsonValue.Create(change.From), ["to"] = JsonValue.Create(change.To) });
        var meta = new JsonObject
        {
            ["outcome"] = result.Outcome.Name,
            ["audit_id"] = result.AuditId,
            ["diff"] = changes,
            ["policy"] = "allowed",
        };
        addMeta(meta);
        document["meta"] = meta;
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    private static JsonObject Details(Outcome failure) => failure switch
    {
        Refused refused => refused.Details,
        Unavailable unavailable => new JsonObject { ["message"] = unavailable.Message },
        UpstreamFailed upstream => new JsonObject { ["message"] = upstream.Message, ["upstream_status"] = upstream.UpstreamStatus, ["upstream_code"] = upstream.UpstreamCode },
        Unknown unknown => new JsonObject { ["message"] = unknown.Message },
        GaveUp gaveUp => Details(gaveUp.Last),
        _ => new JsonObject(),
    };

    private static TimeSpan? RetryAfter(Outcome outcome) => outcome switch
    {
        Unavailable unavailable => unavailable.RetryAfter ?? UpstreamOutcomes.DefaultRetryAfter,
        GaveUp gaveUp => RetryAfter(gaveUp.Last),
        _ => null,
    };

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers[AuditIdHeader] = result.AuditId;
        response.Headers[HttpAdmission.CorrelationHeader] = result.CorrelationId;
        response.Headers.CacheControl = "no-store";
        AddRetryHeaders(response, result.Outcome);
        var body = Body();
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }
}
