using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace AccessTokenGateway.Storage;

/// <summary>
/// The storage account named by <c>AzureWebJobsStorage</c>, read the way the Functions host reads it: a connection
/// string (locally), or <c>__queueServiceUri</c> / <c>__blobServiceUri</c> / <c>__tableServiceUri</c> (or
/// <c>__accountName</c>) with the app's identity — <c>__credential=managedidentity</c> and <c>__clientId</c> for a
/// user-assigned identity (in Azure). Microsoft.Extensions.Azure's own binding knows none of these names.
/// </summary>
public static class StorageAccount
{
    /// <summary>The configuration section shared with the Functions host.</summary>
    public const string ConnectionSection = "AzureWebJobsStorage";

    /// <summary>
    /// Optional: another account for the audit feed (the queue a SIEM consumes), named the same ways. Without it the feed
    /// is on <see cref="ConnectionSection"/>'s account with everything else.
    /// </summary>
    public const string AuditFeedSection = "AuditFeedStorage";

    /// <summary>The keyed <see cref="QueueServiceClient"/> of the audit feed's account.</summary>
    public const string AuditFeed = "audit-feed";

    public static QueueServiceClient Queues(IConfigurationSection connection, QueueClientOptions options, TokenCredential credential) =>
        Connect(connection, "queue",
            s => new QueueServiceClient(s, options),
            uri => new QueueServiceClient(uri, Credential(connection, credential), options));

    public static BlobServiceClient Blobs(IConfigurationSection connection, BlobClientOptions options, TokenCredential credential) =>
        Connect(connection, "blob",
            s => new BlobServiceClient(s, options),
            uri => new BlobServiceClient(uri, Credential(connection, credential), options));

    public static TableServiceClient Tables(IConfigurationSection connection, TableClientOptions options, TokenCredential credential) =>
        Connect(connection, "table",
            s => new TableServiceClient(s, options),
            uri => new TableServiceClient(uri, Credential(connection, credential), options));

    private static T Connect<T>(IConfigurationSection connection, string service, Func<string, T> fromConnectionString, Func<Uri, T> fromUri)
    {
        if (!string.IsNullOrEmpty(connection.Value)) return fromConnectionString(connection.Value);
        if (connection[service + "ServiceUri"] is { Length: > 0 } uri) return fromUri(new Uri(uri));
        if (connection["accountName"] is { Length: > 0 } account) return fromUri(new Uri($"https://{account}.{service}.core.windows.net"));
        throw new InvalidOperationException(
            $"{connection.Path} names no {service} service: set a connection string, or {connection.Path}__{service}ServiceUri with the app's identity.");
    }

    private static TokenCredential Credential(IConfigurationSection connection, TokenCredential fallback) =>
        string.Equals(connection["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(connection["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : fallback;
}
