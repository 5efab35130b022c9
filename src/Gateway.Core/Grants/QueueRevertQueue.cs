using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Storage;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;

namespace AccessTokenGateway.Grants;

/// <summary>
/// The reverts queue (<see cref="QueueNames.GrantReverts"/>): only the app's identity may write to it (infra/), and
/// every message is sealed with the revert key, so neither an event sender nor anyone who could write there anyway
/// can make the gateway revert, or believe, anything.
/// </summary>
public sealed class QueueRevertQueue(
    QueueServiceClient queues,
    [FromKeyedServices(GrantsServiceCollectionExtensions.RevertKey)] ISecretSource key,
    TimeProvider time) : IRevertQueue
{
    /// <summary>Storage queues hide a message for at most 7 days; a longer grant's message hops on in steps a little shorter.</summary>
    public static readonly TimeSpan LongestDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5);

    private readonly QueueClient _queue = queues.GetQueueClient(QueueNames.GrantReverts);

    public async Task SendAsync(RevertMessage message, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var sealedMessage = RevertMessageSigner.Seal(message, RevertMessageSigner.Usable(await key.GetAsync(cancellationToken).ConfigureAwait(false)));
        // Whole seconds, rounded up: a revert never comes before its time.
        var seconds = Math.Ceiling(Math.Clamp((due - time.GetUtcNow()).TotalSeconds, 0, LongestDelay.TotalSeconds));
        try
        {
            // Never expires: the message must outlive its own invisibility.
            await _queue.SendMessageAsync(BinaryData.FromBytes(sealedMessage), TimeSpan.FromSeconds(seconds), QueueTimeToLive.Never, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            throw new DependencyUnavailableException(Dependency.RevertSchedule, $"The revert of grant {message.GrantId} could not be queued ({ex.GetType().Name}).", ex);
        }
    }
}
