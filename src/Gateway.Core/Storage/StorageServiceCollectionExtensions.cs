using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The storage clients the core uses, all on the account named by <c>AzureWebJobsStorage</c>: queues (audit
    /// records, scheduled reverts), blobs (per-token leases) and tables (seen webhook signatures); the audit feed may be
    /// on an account of its own (<c>AuditFeedStorage</c>). Each waits little:
    /// callers wait on them before anything is applied, and fail closed when they cannot be reached.
    /// </summary>
    public static IServiceCollection AddStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = configuration.GetSection(StorageAccount.ConnectionSection);
        services.AddAzureClients(clients =>
        {
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential, _) => StorageAccount.Queues(connection, options, credential))
                .ConfigureOptions(QueueOptions);
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential, _) => StorageAccount.Blobs(connection, options, credential))
                .ConfigureOptions(options => FailFast(options.Retry));
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential, _) => StorageAccount.Tables(connection, options, credential))
                .ConfigureOptions(options => FailFast(options.Retry));
            clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
        });
        // The audit feed: on an account of its own when one is named, else the same client as every other queue.
        var feed = configuration.GetSection(StorageAccount.AuditFeedSection);
        services.AddKeyedSingleton(StorageAccount.AuditFeed, (sp, _) =>
        {
            if (!feed.Exists()) return sp.GetRequiredService<QueueServiceClient>();
            var options = new QueueClientOptions();
            QueueOptions(options);
            return StorageAccount.Queues(feed, options, sp.GetRequiredService<TokenCredential>());
        });
        return services;
    }

    private static void QueueOptions(QueueClientOptions options)
    {
        // QueueClient's default is no encoding while the Functions trigger expects base64: that mismatch silently sends
        // every message to the poison queue.
        options.MessageEncoding = QueueMessageEncoding.Base64;
        FailFast(options.Retry);
    }

    private static void FailFast(RetryOptions retry)
    {
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(100);
        retry.MaxDelay = TimeSpan.FromSeconds(1);
        retry.NetworkTimeout = TimeSpan.FromSeconds(5);
    }
}
