using AccessTokenGateway.Changes;
using AccessTokenGateway.Storage;
using Azure.Storage.Queues;

namespace AccessTokenGateway.LocalHost;

/// <summary>Creates the queues on the local storage emulator if they are missing (in Azure, the Bicep template creates them).</summary>
internal sealed class QueueProvisioner(QueueServiceClient queues, [FromKeyedServices(StorageAccount.AuditFeed)] QueueServiceClient feed,
    ILogger<QueueProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (account, name) in new[] { (queues, QueueNames.Changes), (queues, QueueNames.ChangesPoison), (feed, QueueNames.Audit), (queues, QueueNames.GrantReverts), (queues, QueueNames.GrantRevertsPoison) })
        {
            try
            {
                await account.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
            {
                // The host still starts: a change that needs the queue fails closed when it cannot reach it.
                logger.LogWarning("Queue {Queue} could not be created ({Status})", name, (ex as Azure.RequestFailedException)?.Status.ToString() ?? ex.GetType().Name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
