using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Storage;
using AccessTokenGateway.Tokens;
using Azure;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Changes;

/// <summary>
/// Schedules a revert as a delayed message on the change queue: a CloudEvent of type <see cref="EventType"/> whose
/// data is an ordinary change document with <c>meta.expected</c> set to the granted state, so a token someone else
/// changed meanwhile is not clobbered (the revert is refused as a stale approval and audited).
/// </summary>
public sealed class QueueRevertScheduler(QueueServiceClient queues, TimeProvider time) : IRevertScheduler
{
    public const string EventType = "com.datocms.access-token-gateway.grant-expired";
    public const string RequestedBy = "access-token-gateway";

    private readonly QueueClient _queue = queues.GetQueueClient(QueueNames.Changes);

    public async Task ScheduleAsync(RevertRequest revert, CancellationToken cancellationToken)
    {
        // The queue takes whole seconds and the SDK truncates: rounded up, so the revert never comes before its time.
        var delay = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, (revert.At - time.GetUtcNow()).TotalSeconds)));
        try
        {
            // Never expires: the message must outlive its own invisibility (up to 7 days).
            await _queue.SendMessageAsync(BinaryData.FromBytes(BuildMessage(revert, time.GetUtcNow())), delay, QueueTimeToLive.Never, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            throw new DependencyUnavailableException(Dependency.RevertSchedule, $"The revert of grant {revert.GrantAuditId} could not be queued ({ex.GetType().Name}).", ex);
        }
    }

    public static byte[] BuildMessage(RevertRequest revert, DateTimeOffset now)
    {
        var document = TokenJson.UpdateDocument(revert.TokenId, revert.RestoreTo);
        var meta = new JsonObject
        {
            ["requested_by"] = RequestedBy,
            ["reason"] = $"Expiry of grant {revert.GrantAuditId}",
            ["expected"] = TokenJson.ToNode(revert.Granted),
        };
        if (revert.GrantMeta.ApprovedBy is { } approver) meta["approved_by"] = approver;
        if (revert.GrantMeta.Ticket is { } ticket) meta["ticket"] = ticket;
        document["meta"] = meta;

        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = EventType,
            ["source"] = "/access-token-gateway",
            ["id"] = revert.GrantAuditId + "-revert",
            ["time"] = now.ToString("O"),
            ["subject"] = "access_tokens/" + revert.TokenId,
            ["datacontenttype"] = "application/vnd.api+json",
            ["data"] = document,
        };
        return JsonSerializer.SerializeToUtf8Bytes(cloudEvent);
    }
}
