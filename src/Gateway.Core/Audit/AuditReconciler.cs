using System.Text.Json;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Completes the trail where a change's outcome never came: a host stopped between the <c>PUT</c> and the outcome
/// record (scale-in, deployment, crash), or a <c>PUT</c> whose answer never came (<c>unknown</c>, and <c>gave_up</c>
/// after it). For each intent older than <see cref="AuditOptions.ReconcileAfter"/> with no settled outcome, it
/// establishes what became of it and records that under the intent's audit id, marked reconciled: <c>applied</c> when
/// the token held the requested state right after (the <c>before</c> of the token's next recorded change, else the
/// token as DatoCMS shows it now), <c>not_applied</c> otherwise. Run by a timer (one instance at a time, as the
/// Functions host runs timers); idempotent, since a settled intent is never looked at again.
/// </summary>
public sealed class AuditReconciler(
    AuditArchiveReader archive,
    IDatoCmsClient datoCms,
    [FromKeyedServices(SecretsServiceCollectionExtensions.CmaToken)] ISecretSource cmaToken,
    IAuditSink sink,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditReconciler> logger)
{
    /// <summary>Outcomes that settle an intent: whatever the trail says beyond these, the change's fate is known.</summary>
    private static readonly HashSet<string> Settled = new(StringComparer.Ordinal) { "applied", "no_change", "dry_run", "rejected", "failed", "not_applied" };

    /// <summary>One pass over the archive; returns the audit ids it completed.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var from = now - settings.ReconcileLookback;
        var records = await archive.ReadDaysAsync(DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime), cancellationToken).ConfigureAwait(false);

        var open = records
            .Where(r => r.AuditId is not null)
            .GroupBy(r => r.AuditId!)
            .Where(g => !g.Any(r => r.Kind == "outcome" && r.Outcome is { } o && Settled.Contains(o)))
            .Select(g => g.Where(r => r.Kind == "intent").MaxBy(r => r.Time))
            .Where(intent => intent is not null && intent.Time >= from && intent.Time <= now - settings.ReconcileAfter)
            .Select(intent => intent!)
            .OrderBy(intent => intent.Time)
            .ToList();
        if (open.Count == 0) return [];

        var completed = new List<string>();
        DatoCmsSession? session = null;
        foreach (var found in open)
        {
            try
            {
                var intent = found.Json.Deserialize(AuditJsonContext.Default.AuditRecord)!;
                if (intent.TokenId is not { } tokenId || intent.Requested is not { } requested) continue;
                var observed = NextBefore(records, found, tokenId);
                if (observed is null)
                {
                    session ??= await DatoCmsSession.OpenAsync(datoCms, cmaToken, cancellationToken).ConfigureAwait(false);
                    var read = await session.ReadAsync(tokenId, cancellationToken).ConfigureAwait(false);
                    if (read.Kind != DatoCmsReplyKind.Ok)
                    {
                        logger.LogWarning("Reconciling {AuditId}: token {TokenId} could not be read ({Description}); next pass", intent.AuditId, tokenId, read.Description);
                        continue;
                    }
                    observed = read.Token!.State;
                }
                var applied = observed == requested;
                await sink.WriteAsync(AuditRecords.Reconciled(intent, applied, observed, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Change {AuditId} to token {TokenId} had no outcome; reconciled as {Outcome}", intent.AuditId, tokenId, applied ? "applied" : "not_applied");
                completed.Add(intent.AuditId);
            }
            catch (DependencyUnavailableException unavailable)
            {
                logger.LogWarning("Reconciling {AuditId} stopped: {Dependency} unavailable; next pass", found.AuditId, unavailable.Dependency);
                break;
            }
            catch (JsonException)
            {
                logger.LogError("Intent {AuditId} in {Chain} is not a record this version reads; left as is", found.AuditId, found.Chain);
            }
        }
        return completed;
    }

    /// <summary>The token's state as the next recorded change to it found it, if any: that is the state this change left.</summary>
    private static TokenState? NextBefore(List<ArchivedRecord> records, ArchivedRecord intent, string tokenId) =>
        records
            .Where(r => r.TokenId == tokenId && r.AuditId != intent.AuditId && r.Time > intent.Time && r.Json["before"] is not null)
            .OrderBy(r => r.Time)
            .Select(r => r.Json["before"].Deserialize(AuditJsonContext.Default.TokenState))
            .FirstOrDefault();
}
