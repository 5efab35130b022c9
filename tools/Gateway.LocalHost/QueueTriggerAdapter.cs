using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions.Queue;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.WebJobs;

namespace AccessTokenGateway.LocalHost;

/// <summary>
/// Binds the WebJobs SDK's storage-queue listener — the one the Functions host itself runs, with its dequeue count,
/// poison queue and visibility back-off — to the very same function class the Functions app uses.
/// </summary>
public sealed class QueueTriggerAdapter(AccessTokenChangesFunction function)
{
    [FunctionName("ApplyQueuedAccessTokenChange")]
    public Task Run([QueueTrigger(QueueNames.Changes)] QueueMessage message, CancellationToken cancellationToken) =>
        function.Run(message, cancellationToken);
}
