using AccessTokenGateway.Changes;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Queue;

/// <summary>
/// Changes from events on <c>access-token-changes</c>. The one place the queue decides a message's fate: a permanent
/// outcome completes it (it is audited); a transient one throws, so the runtime retries with host.json's back-off, and
/// after <c>maxDequeueCount</c> the message lands in the poison queue with its last attempt audited as given up.
/// </summary>
public sealed class AccessTokenChangesFunction(ChangePipeline pipeline)
{
    [Function("ApplyQueuedAccessTokenChange")]
    public async Task Run([QueueTrigger(QueueNames.Changes, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        var result = await pipeline.SubmitAsync(ToRequest(message, HostJson.OfThisApp.Value.MaxDequeueCount), cancellationToken);
        if (result.ShouldRetry) throw new TransientChangeException(result);
    }

    /// <summary>
    /// The message as a change request: its envelope off, its origin always an event. No message here speaks for the
    /// gateway, whatever its type says: grants end through the registry and the reverts queue, never through this one.
    /// </summary>
    public static ChangeRequest ToRequest(QueueMessage message, int maxDequeueCount)
    {
        var change = QueueEnvelope.Read(message.Body.ToMemory());
        var sender = new CallerIdentity(CallerKinds.Queue, change.Envelope == QueueEnvelope.None ? QueueNames.Changes : $"{QueueNames.Changes} ({change.Envelope})");
        return new ChangeRequest
        {
            Origin = new ChangeOrigin(OriginKind.Event, sender),
            TokenId = change.TokenId,
            Document = change.Document,
            CorrelationId = change.EventId is { Length: > 0 and <= 64 } eventId ? eventId : message.MessageId,
            Delivery = new Delivery((int)message.DequeueCount, IsLast: message.DequeueCount >= maxDequeueCount),
            AuditId = AuditIds.ForQueueMessage(message.MessageId),
            NotAdmitted = change.Invalid,
            TraceParent = change.TraceParent,
        };
    }
}
