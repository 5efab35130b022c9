using AccessTokenGateway.Changes;
using AccessTokenGateway.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit trail on the audit queue (the feed, on its own account if one is named) and in the archive, through the storage clients of <c>Storage/</c>.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Every record to the feed (the queue) and the archive (append-only, immutable in Azure) at once.
        services.AddSingleton(sp => new ArchiveAuditSink(Archive(sp), AuditArchive.NewWriterId(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAuditSink>(sp => new FeedAndArchiveAuditSink(
            new QueueAuditSink(sp.GetRequiredKeyedService<QueueServiceClient>(StorageAccount.AuditFeed).GetQueueClient(QueueNames.Audit)),
            sp.GetRequiredService<ArchiveAuditSink>()));
        services.AddSingleton<AuditTrail>();
        services.AddSingleton(sp => new AuditArchiveReader(Archive(sp)));
        services.AddSingleton<AuditReconciler>();
        return services;
    }

    private static BlobContainerClient Archive(IServiceProvider services) =>
        services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(AuditArchive.ContainerName);
}
