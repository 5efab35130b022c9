using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions.Grants;
using AccessTokenGateway.Functions.Queue;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.WebJobs;

namespace AccessTokenGateway.LocalHost;

/// <summary>
/// Binds the WebJobs SDK's storage-queue listener — the one the Functions host itself runs, with its dequeue count,
/// poison queue and visibility back-off — to the very same function classes the Functions app uses: the change queue
/// and the reverts queue.
/// </summary>
public sealed class QueueTriggerAdapter(AccessTokenChangesFunction changes, GrantRevertsFunction reverts)
{
    [FunctionName("ApplyQueuedAccessTokenChange")]
    public Task Run([QueueTrigger(QueueNames.Changes)] QueueMessage message, CancellationToken cancellationToken) =>
        changes.Run(message, cancellationToken);

    [FunctionName("RevertExpiredGrant")]
    public Task RunRevert([QueueTrigger(QueueNames.GrantReverts)] QueueMessage message, CancellationToken cancellationToken) =>
        reverts.Run(message, cancellationToken);
}
