using AccessTokenGateway.Outcomes;
using Azure;
using AccessTokenGateway.Storage;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Pushes audit records to the audit queue with <see cref="QueueClient"/>. The client is built with base64 message
/// encoding (see <see cref="AuditServiceCollectionExtensions"/>): the Functions queue trigger and most readers expect it.
/// Records never expire: the queue is the feed a SIEM reads, and a reader down for a week must not lose the trail.
/// </summary>
public sealed class QueueAuditSink(QueueClient queue) : IAuditSink
{
    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var body = BinaryData.FromBytes(AuditSerializer.Serialize(record));
        try
        {
            await queue.SendMessageAsync(body, visibilityTimeout: null, timeToLive: QueueTimeToLive.Never, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException
                                       or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(Dependency.AuditTrail, $"The audit queue '{queue.Name}' could not be written ({ex.GetType().Name}).", ex);
        }
    }
}
