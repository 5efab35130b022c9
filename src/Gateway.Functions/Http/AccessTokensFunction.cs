using AccessTokenGateway.Changes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Http;

/// <summary><c>PUT /api/access_tokens/{id}</c>: the CMA's own route, so DatoCMS's clients can point at the gateway unchanged.</summary>
public sealed class AccessTokensFunction(ChangeGateway gateway)
{
    [Function("UpdateAccessToken")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "access_tokens/{id}")] HttpRequest request,
        string id)
    {
        var submission = await HttpSubmission.ReadAsync(request, id, CallerIdentities.From(request), request.HttpContext.RequestAborted);
        // Once read, a change runs to its end even if the caller goes away: a half-done change would leave no outcome record.
        var result = await gateway.SubmitAsync(submission, CancellationToken.None);
        return new ChangeResultHttp(result);
    }
}
