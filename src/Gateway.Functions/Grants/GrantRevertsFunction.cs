using AccessTokenGateway.Changes;
using AccessTokenGateway.Grants;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Grants;

/// <summary>
/// Revert messages on <c>access-token-grant-reverts</c>, a queue only the app's identity may write. The handler trusts
/// nothing in a message beyond its sealed reference to a grant; it throws only when the registry or the queue cannot
/// be reached, so the runtime delivers the message again (and the sweeper ends the grant should it be poisoned).
/// </summary>
public sealed class GrantRevertsFunction(RevertMessageHandler handler)
{
    [Function("RevertExpiredGrant")]
    public async Task Run([QueueTrigger(QueueNames.GrantReverts, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        if (await handler.HandleAsync(message.Body.ToMemory(), message.MessageId, cancellationToken))
            throw new InvalidOperationException($"Revert message {message.MessageId} could not be handled now; it will be delivered again.");
    }
}
