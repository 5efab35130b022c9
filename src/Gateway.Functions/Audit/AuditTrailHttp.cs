using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace AccessTokenGateway.Functions.Audit;

/// <summary>An answer of <see cref="AuditTrailFunction"/>: a JSON document, written directly (no MVC executors: either host runs it).</summary>
public sealed class AuditTrailHttp(int statusCode, JsonObject body) : IActionResult
{
    public int StatusCode => statusCode;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        // The trail names callers and approvers: no cache along the way keeps a copy.
        response.Headers.CacheControl = "no-store";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }
}
