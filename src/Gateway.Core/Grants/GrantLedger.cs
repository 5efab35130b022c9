using AccessTokenGateway.Outcomes;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Grants;

/// <summary>
/// What the change pipeline does with the registry, under the token's lock: reads the token's grants, records a
/// change's grants before its <c>PUT</c> (the revert message first, then the rows: a grant is never in force without
/// both), and settles them once the <c>PUT</c> has answered — the grants it ended are removed if it was applied, the
/// grants it made are taken back if DatoCMS surely did not apply it.
/// </summary>
public sealed class GrantLedger(IGrantRegistry registry, IRevertQueue reverts, ILogger<GrantLedger> logger)
{
    public Task<IReadOnlyList<Grant>> ActiveAsync(string tokenId, CancellationToken cancellationToken) =>
        registry.ForTokenAsync(tokenId, cancellationToken);

    /// <summary>Before the <c>PUT</c>; throws <see cref="DependencyUnavailableException"/>, and then nothing may be sent.</summary>
    public async Task RecordAsync(GrantPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Granted.Count == 0) return;
        // The rows of one change share its grant id and expiry: one message ends them all.
        await reverts.SendAsync(RevertMessage.For(plan.Granted[0]), plan.Granted[0].ExpiresAt, cancellationToken).ConfigureAwait(false);
        await registry.PutAsync(plan.Granted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the <c>PUT</c>. Never throws: the change's outcome stands; a registry left behind is logged, critically.</summary>
    public async Task SettleAsync(GrantPlan plan, Outcome outcome, CancellationToken cancellationToken)
    {
        if (!plan.ChangesRegistry) return;
        try
        {
            switch (outcome)
            {
                case Applied:
                    foreach (var ended in plan.Ended) await RemoveWithRetriesAsync(ended, cancellationToken).ConfigureAwait(false);
                    break;
                case RefusedByDatoCms or UpstreamFailed or Unavailable:
                    // DatoCMS did not apply the change: its grants are not in force. A grant it renewed is put back as it was.
                    foreach (var made in plan.Granted) await registry.RemoveAsync(made with { Version = null }, cancellationToken).ConfigureAwait(false);
                    if (plan.Replaced.Count > 0) await registry.PutAsync(plan.Replaced, cancellationToken).ConfigureAwait(false);
                    break;
                // Unknown: the PUT may have been applied, so its grants stand; their revert only ever revokes.
            }
        }
        catch (DependencyUnavailableException)
        {
            logger.LogCritical("The grant registry could not be settled after change {GrantId} to token {TokenId} ({Outcome}); its rows may not match the token",
                plan.Granted.FirstOrDefault()?.GrantId ?? plan.Ended.FirstOrDefault()?.GrantId, plan.Granted.Concat(plan.Ended).First().TokenId, outcome.Name);
        }
    }

    private async Task RemoveWithRetriesAsync(Grant grant, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await registry.RemoveAsync(grant, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DependencyUnavailableException) when (attempt < 2)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
