using AccessTokenGateway.Changes;
using Azure.Storage.Queues;

namespace AccessTokenGateway.LocalHost;

/// <summary>Creates the queues on the local storage emulator if they are missing (in Azure, the Bicep template creates them).</summary>
internal sealed class QueueProvisioner(QueueServiceClient queues, ILogger<QueueProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in new[] { QueueNames.Changes, QueueNames.ChangesPoison, QueueNames.Audit, QueueNames.GrantReverts, QueueNames.GrantRevertsPoison })
        {
            try
            {
                await queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Queue {Queue} could not be created ({Status})", name, ex.Status);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
