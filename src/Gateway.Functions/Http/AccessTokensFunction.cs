using AccessTokenGateway.Changes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Http;

/// <summary><c>PUT /api/access_tokens/{id}</c>: the CMA's own route, so DatoCMS's clients can point at the gateway unchanged.</summary>
public sealed class AccessTokensFunction(HttpAdmission admission, ChangePipeline pipeline)
{
    [Function("UpdateAccessToken")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "access_tokens/{id}")] HttpRequest request,
        string id)
    {
        var change = await admission.AdmitAsync(request, id, request.HttpContext.RequestAborted);
        // Once read, a change runs to its end even if the caller goes away: a half-done change would leave no outcome record.
        var result = await pipeline.SubmitAsync(change, CancellationToken.None);
        return new OutcomeHttp(result);
    }
}
