using AccessTokenGateway.Functions.Audit;
using AccessTokenGateway.Functions.Diagnostics;
using AccessTokenGateway.Functions.Grants;
using AccessTokenGateway.Functions.Health;
using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.Functions.OpenApi;
using AccessTokenGateway.Functions.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>The adapters' own services: HTTP admission, used by the HTTP function whichever host runs it.</summary>
    public static IServiceCollection AddGatewayAdapters(this IServiceCollection services) =>
        services.AddSingleton<HttpAdmission>();

    /// <summary>The function classes, for hosts that call them directly (the local host); the Functions runtime activates them itself.</summary>
    public static IServiceCollection AddGatewayFunctions(this IServiceCollection services) =>
        services.AddGatewayAdapters().AddTransient<AccessTokensFunction>().AddTransient<DatoCmsReadsFunction>().AddTransient<AccessTokenChangesFunction>()
            .AddTransient<GrantsFunction>().AddTransient<GrantRevertsFunction>().AddTransient<GrantSweeperFunction>()
            .AddTransient<AuditTrailFunction>().AddTransient<ReconcileAuditTrailFunction>()
            .AddTransient<HealthFunction>().AddTransient<ObserveBacklogFunction>().AddTransient<OpenApiFunction>();
}
