using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace AccessTokenGateway.Functions.Http;

/// <summary>
/// A JSON document with its status, written directly (no MVC executors, so either host runs it) and never cached:
/// the read routes' answers name callers and approvers, and change by the minute.
/// </summary>
public sealed class JsonAnswer(int statusCode, byte[] body) : IActionResult
{
    public JsonAnswer(int statusCode, JsonObject body) : this(statusCode, JsonSerializer.SerializeToUtf8Bytes(body)) { }

    public int StatusCode => statusCode;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }
}
