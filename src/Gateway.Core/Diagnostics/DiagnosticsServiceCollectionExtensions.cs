using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Diagnostics;

public static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>The backlog observer the timer function runs; the meters themselves are static (<see cref="GatewayMetrics"/>).</summary>
    public static IServiceCollection AddObservations(this IServiceCollection services) =>
        services.AddSingleton<BacklogObserver>();
}
