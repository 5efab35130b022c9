using AccessTokenGateway.DatoCms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The health check behind <c>GET /api/health</c>, cached for <c>Health:CacheDuration</c>.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DatoCmsProbe>();
        services.AddSingleton<GatewayHealth>();
        return services;
    }
}
