using AccessTokenGateway.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.OpenApi;

/// <summary>
/// <c>GET /api/openapi.json</c>: the OpenAPI 3.1 description of the gateway's HTTP surface, <c>openapi/openapi.json</c>
/// at the repository root, embedded in this assembly when it is built, so the file served is exactly the one checked in
/// (and linted). Behind the function key like every route that is not a health probe: it tells nothing secret, but
/// an importer that takes only a URL can pass the key as <c>?code=</c>.
/// </summary>
public sealed class OpenApiFunction
{
    public const string ResourceName = "openapi.json";

    /// <summary>The description's bytes, read once from the assembly.</summary>
    public static byte[] Description { get; } = Read();

    [Function("GetOpenApiDescription")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "openapi.json")] HttpRequest request) =>
        new JsonAnswer(StatusCodes.Status200OK, Description);

    private static byte[] Read()
    {
        using var stream = typeof(OpenApiFunction).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing: the build embeds openapi/openapi.json.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
