using System.Diagnostics;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Grants;

/// <summary>
/// One message from the reverts queue. It is believed only as a reminder: it must be sealed with the revert key and
/// never used before, or it is refused and audited (<c>REVERT_NOT_AUTHENTIC</c>, <c>REVERT_REPLAYED</c>); what is then
/// reverted, and whether anything is, the registry decides. A message that comes before its grant's expiry (a grant
/// longer than the queue's 7-day delay) hops on; one whose revert fails transiently is followed by a new message after a
/// back-off, so the revert keeps coming back and never lands in the poison queue for that; a message for a grant already
/// ended (by the sweeper, a later change) is used up quietly. Returns true when the message must be delivered again
/// (the registry or the queue could not be reached); the sweeper catches whatever is lost even so.
/// </summary>
public sealed class RevertMessageHandler(
    IGrantRegistry registry,
    IRevertQueue reverts,
    GrantReverter reverter,
    [FromKeyedServices(GrantsServiceCollectionExtensions.RevertKey)] ISecretSource key,
    AuditTrail audit,
    IOptions<GrantsOptions> options,
    TimeProvider time,
    ILogger<RevertMessageHandler> logger)
{
    public const string Trigger = "grant-reverts";

    public async Task<bool> HandleAsync(ReadOnlyMemory<byte> body, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            var secret = RevertMessageSigner.Usable(await key.GetAsync(cancellationToken).ConfigureAwait(false));
            var message = RevertMessageSigner.Open(body.Span, secret);
            if (message is null)
                return await RefuseAsync(body, messageId, ErrorCodes.RevertNotAuthentic, "The message is not a revert this gateway sealed: forged or altered. Nothing was changed.", cancellationToken).ConfigureAwait(false);
            // Only an authentic message's trace is continued: the revert joins the trace of the change that made the grant.
            using var span = GatewayActivity.Source.StartActivity("grant revert", ActivityKind.Consumer,
                GatewayActivity.ParseTraceParent(message.TraceParent, null) ?? default);
            span?.SetTag(GatewayActivity.TokenIdTag, message.TokenId);
            span?.SetTag("gateway.grant_id", message.GrantId);
            if (await registry.WasConsumedAsync(message.Nonce, cancellationToken).ConfigureAwait(false))
                return await RefuseAsync(body, messageId, ErrorCodes.RevertReplayed, "This revert message was used before: a replay. Nothing was changed.", cancellationToken).ConfigureAwait(false);

            var rows = (await registry.ForTokenAsync(message.TokenId, cancellationToken).ConfigureAwait(false)).Where(g => g.GrantId == message.GrantId).ToList();
            var now = time.GetUtcNow();
            if (rows.Count == 0)
            {
                logger.LogInformation("Revert message for grant {GrantId} on token {TokenId}: the grant has already ended", message.GrantId, message.TokenId);
            }
            else if (rows.Min(r => r.ExpiresAt) is var expiresAt && expiresAt > now)
            {
                // Early: the grant outlasts the queue's longest delay. The next hop is timed by the registry's expiry.
                await reverts.SendAsync(message with { Nonce = Guid.NewGuid().ToString("N") }, expiresAt, cancellationToken).ConfigureAwait(false);
            }
            else if ((await reverter.RevertDueAsync(message.TokenId, Trigger, cancellationToken).ConfigureAwait(false)).Failure is { } failure)
            {
                var next = message.Next();
                var wait = Backoff(message.Attempt);
                logger.LogWarning("Revert of grant {GrantId} on token {TokenId} failed ({ErrorCode}); attempt {Attempt} follows in {Wait}",
                    message.GrantId, message.TokenId, failure.Code, next.Attempt, wait);
                await reverts.SendAsync(next, now + wait, cancellationToken).ConfigureAwait(false);
            }
            await registry.TryConsumeMessageAsync(message.Nonce, now, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (DependencyUnavailableException unavailable)
        {
            logger.LogWarning("Revert message {MessageId} could not be handled ({Dependency}); it will be delivered again", messageId, unavailable.Dependency);
            return true;
        }
    }

    /// <summary>2 s, 4 s, 8 s… up to <see cref="GrantsOptions.RevertRetryMaxDelay"/>.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var max = options.Value.RevertRetryMaxDelay;
        return attempt >= 16 ? max : TimeSpan.FromTicks(Math.Min(max.Ticks, TimeSpan.FromSeconds(2).Ticks << attempt));
    }

    private async Task<bool> RefuseAsync(ReadOnlyMemory<byte> body, string messageId, string code, string message, CancellationToken cancellationToken)
    {
        var request = new ChangeRequest
        {
            Origin = new ChangeOrigin(OriginKind.Schedule, new CallerIdentity(CallerKinds.Queue, QueueNames.GrantReverts)),
            TokenId = RevertMessageSigner.ClaimedTokenId(body.Span) ?? "",
            Document = ReadOnlyMemory<byte>.Empty,
            CorrelationId = messageId,
        };
        var trace = new ChangeTrace(Guid.CreateVersion7(time.GetUtcNow()).ToString("N"), request, System.Diagnostics.Stopwatch.GetTimestamp());
        var refused = new Refused(RefusalKind.Unauthenticated, code, new JsonObject { ["message"] = message });
        logger.LogWarning("Revert message {MessageId} refused: {ErrorCode}", messageId, code);
        // Refused for good: the message is completed. If the audit trail is down, it comes back until it can be recorded.
        return !await audit.TryRecordOutcomeAsync(AuditRecords.Outcome(trace, refused, time.GetUtcNow()), retry: false, cancellationToken).ConfigureAwait(false);
    }
}
