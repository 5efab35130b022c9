using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Reads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Http;

/// <summary>
/// DatoCMS's own read routes, so DatoCMS's clients read through the gateway unchanged: <c>GET /api/access_tokens</c>,
/// <c>/api/access_tokens/{id}</c>, <c>/api/roles</c>, <c>/api/roles/{id}</c>. DatoCMS's document (every <c>token</c>
/// null) or an error document; behind the function key like the <c>PUT</c>.
/// </summary>
public sealed class DatoCmsReadsFunction(DatoCmsReads reads)
{
    [Function("ListAccessTokens")]
    public Task<IActionResult> ListAccessTokens([HttpTrigger(AuthorizationLevel.Function, "get", Route = "access_tokens")] HttpRequest request) =>
        ReadAsync(request, ReadCollections.AccessTokens, null);

    [Function("GetAccessToken")]
    public Task<IActionResult> GetAccessToken([HttpTrigger(AuthorizationLevel.Function, "get", Route = "access_tokens/{id}")] HttpRequest request, string id) =>
        ReadAsync(request, ReadCollections.AccessTokens, id);

    [Function("ListRoles")]
    public Task<IActionResult> ListRoles([HttpTrigger(AuthorizationLevel.Function, "get", Route = "roles")] HttpRequest request) =>
        ReadAsync(request, ReadCollections.Roles, null);

    [Function("GetRole")]
    public Task<IActionResult> GetRole([HttpTrigger(AuthorizationLevel.Function, "get", Route = "roles/{id}")] HttpRequest request, string id) =>
        ReadAsync(request, ReadCollections.Roles, id);

    private async Task<IActionResult> ReadAsync(HttpRequest request, string collection, string? id)
    {
        var correlationId = HttpAdmission.CorrelationId(request);
        var read = await reads.ReadAsync(new ReadRequest(collection, id, correlationId), request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers[HttpAdmission.CorrelationHeader] = correlationId;
        if (read.Stop is not { } failure) return new JsonAnswer(200, read.Value!);
        OutcomeHttp.AddRetryHeaders(request.HttpContext.Response, failure);
        return new JsonAnswer(ErrorStatus.Of(failure), OutcomeHttp.ErrorBody(Guid.CreateVersion7().ToString("N"), failure));
    }
}
