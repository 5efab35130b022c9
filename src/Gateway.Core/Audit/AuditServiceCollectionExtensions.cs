using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The configuration section that names the storage account, shared with the Functions host.</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    /// <summary>
    /// The storage queues the core writes to (<see cref="QueueServiceClient"/> from <c>AzureWebJobsStorage</c>: a
    /// connection string locally, <c>__queueServiceUri</c> + <c>__credential</c> + <c>__clientId</c> in Azure),
    /// every message base64-encoded, and the audit sink on <c>Audit:QueueName</c>.
    /// </summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddAzureClients(clients =>
        {
            clients.AddQueueServiceClient(configuration.GetSection(StorageConnection)).ConfigureOptions(options =>
            {
                // QueueClient's default is no encoding while the Functions trigger expects base64: that mismatch
                // silently sends every message to the poison queue.
                options.MessageEncoding = QueueMessageEncoding.Base64;
                // Fail closed quickly: a caller waits for the audit write before anything is applied.
                options.Retry.MaxRetries = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(100);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
            });
            // Per-token leases (Changes/BlobTokenLocks) live in the same account.
            clients.AddBlobServiceClient(configuration.GetSection(StorageConnection)).ConfigureOptions(options =>
            {
                options.Retry.MaxRetries = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(100);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
            });
            clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
        });

        services.AddSingleton<IAuditSink>(sp => new QueueAuditSink(
            sp.GetRequiredService<QueueServiceClient>().GetQueueClient(sp.GetRequiredService<IOptions<AuditOptions>>().Value.QueueName)));
        return services;
    }
}
