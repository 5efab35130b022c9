using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Health;

/// <summary>
/// <c>GET /api/health</c>, anonymous (a platform health check sends no key): 200 when Key Vault, storage and DatoCMS are
/// reachable, 503 when one is not, with each dependency's status and check time. It says nothing a caller could use:
/// no secret, no token data, no error text; and its answer is cached, so polling it costs the dependencies nothing more.
/// </summary>
public sealed class HealthFunction(GatewayHealth health)
{
    [Function("Health")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var report = await health.CheckAsync(request.HttpContext.RequestAborted);
        return new JsonAnswer(report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, report.ToJson());
    }
}
