using AccessTokenGateway.Changes;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Functions.Queue;

/// <summary>
/// Changes from events on <c>access-token-changes</c>. A permanent failure is audited and completes the message; a
/// transient one throws so the runtime retries with host.json's back-off, and after <c>maxDequeueCount</c> the
/// message lands in the poison queue with its last attempt audited as given up.
/// </summary>
public sealed class AccessTokenChangesFunction(ChangeGateway gateway, IOptions<ChangesOptions> options)
{
    [Function("ApplyQueuedAccessTokenChange")]
    public async Task Run([QueueTrigger(QueueNames.Changes, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
    {
        var change = QueueMessageReader.Read(message.Body.ToMemory());
        var submission = new ChangeSubmission
        {
            Source = ChangeSource.Queue,
            TokenId = change.TokenId,
            Body = change.Document,
            Caller = new CallerIdentity("queue", change.Envelope == "none" ? QueueNames.Changes : $"{QueueNames.Changes} ({change.Envelope})"),
            CorrelationId = change.EventId is { Length: > 0 and <= 64 } eventId ? eventId : message.MessageId,
            Attempt = (int)message.DequeueCount,
            IsFinalAttempt = message.DequeueCount >= options.Value.MaxDequeueCount,
            IsScheduledRevert = change.IsScheduledRevert,
        };
        var result = await gateway.SubmitAsync(submission, cancellationToken);
        if (result.IsTransient || result.Outcome == ChangeOutcome.GaveUp)
            throw new TransientChangeException(result);
    }
}

/// <summary>Thrown so the Functions runtime retries the message (and finally moves it to the poison queue).</summary>
public sealed class TransientChangeException(ChangeResult result)
    : Exception($"Change {result.AuditId} failed transiently ({result.Error?.Code ?? "outcome audit missing"}); the message will be retried.")
{
    public ChangeResult Result { get; } = result;
}
