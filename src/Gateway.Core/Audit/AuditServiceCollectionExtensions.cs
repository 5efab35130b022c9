using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit sink on <c>Audit:QueueName</c>, through the storage account's queue client (see <c>Storage/</c>).</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IAuditSink>(sp => new QueueAuditSink(
            sp.GetRequiredService<QueueServiceClient>().GetQueueClient(sp.GetRequiredService<IOptions<AuditOptions>>().Value.QueueName)));
        return services;
    }
}
