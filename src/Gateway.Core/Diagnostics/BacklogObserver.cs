using AccessTokenGateway.Changes;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Diagnostics;

/// <summary>
/// Measures what a meter cannot see from inside a call, at a fixed cost per run (a timer function, once a minute):
/// one peek at the change queue (its oldest message's age), one property read of it and of the poison queue, one
/// listing of the grant registry. Records the gauges and returns what it saw.
/// </summary>
public sealed class BacklogObserver(QueueServiceClient queues, IGrantRegistry grants, TimeProvider time, ILogger<BacklogObserver> logger)
{
    public async Task<Backlog> ObserveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changes = queues.GetQueueClient(QueueNames.Changes);
        var oldest = await TryAsync("the change queue's oldest message", async () =>
        {
            var peeked = (await changes.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false)).Value;
            return (double?)(peeked.Length == 0 || peeked[0].InsertedOn is not { } inserted ? 0d : Math.Max(0, (now - inserted).TotalSeconds));
        }).ConfigureAwait(false);
        var changesLength = await TryAsync("the change queue's length", async () =>
            (long?)(await changes.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount).ConfigureAwait(false);
        var poisonLength = await TryAsync("the poison queue's length", async () =>
            (long?)(await queues.GetQueueClient(QueueNames.ChangesPoison).GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount).ConfigureAwait(false);
        var inForce = await TryAsync("the grant registry", async () =>
        {
            var byGrant = (await grants.ListAsync(null, cancellationToken).ConfigureAwait(false)).GroupBy(g => (g.TokenId, g.GrantId)).ToList();
            var overdue = byGrant.Count(g => g.Min(r => r.ExpiresAt) <= now);
            return ((int, int)?)(byGrant.Count - overdue, overdue);
        }).ConfigureAwait(false);

        var changesQueue = new KeyValuePair<string, object?>("queue", QueueNames.Changes);
        if (oldest is { } age) GatewayMetrics.QueueOldestMessageAge.Record(age, changesQueue);
        if (changesLength is { } length) GatewayMetrics.QueueLength.Record(length, changesQueue);
        if (poisonLength is { } poison) GatewayMetrics.QueueLength.Record(poison, new KeyValuePair<string, object?>("queue", QueueNames.ChangesPoison));
        if (inForce is var (active, due))
        {
            GatewayMetrics.Grants.Record(active, new KeyValuePair<string, object?>("status", "active"));
            GatewayMetrics.Grants.Record(due, new KeyValuePair<string, object?>("status", "overdue"));
        }
        return new Backlog(oldest, changesLength, poisonLength, inForce?.Item1, inForce?.Item2);
    }

    private async Task<T?> TryAsync<T>(string what, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or DependencyUnavailableException)
        {
            logger.LogWarning("Could not observe {What}: {ExceptionType}", what, ex.GetType().Name);
            return default;
        }
    }
}
