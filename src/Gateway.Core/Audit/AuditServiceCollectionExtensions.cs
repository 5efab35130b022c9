using AccessTokenGateway.Changes;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit trail on the audit queue, through the storage account's queue client (see <c>Storage/</c>).</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IAuditSink>(sp => new QueueAuditSink(sp.GetRequiredService<QueueServiceClient>().GetQueueClient(QueueNames.Audit)));
        services.AddSingleton<AuditTrail>();
        return services;
    }
}
