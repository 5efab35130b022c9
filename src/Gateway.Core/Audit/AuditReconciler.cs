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
    // Kept from one pass to the next, touched by one pass at a time (the timer's): how far each chain was read, and
    // the first pass's intents without an outcome. Lost on a restart: the next pass reads the chains from their start.
    private readonly AuditArchiveOffsets _read = new();
    private readonly IntentsWithoutOutcome _candidates = new();

    /// <summary>
    /// One pass over the archive; returns the audit ids it completed. The archive is streamed, not loaded: the first
    /// read takes only what the chains gained since the last pass and keeps the intents with no settled outcome after
    /// them; only when one is due does a second read, of the whole look-back, check it against every chain and find
    /// its token's next change. What either holds is the open intents, never the records.
    /// </summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var from = now - settings.ReconcileLookback;
        var (firstDay, lastDay) = (DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime));

        _read.ForgetBefore(firstDay);
        _candidates.ForgetBefore(from);
        await foreach (var record in archive.StreamDaysAsync(firstDay, lastDay, _read, cancellationToken).ConfigureAwait(false)) _candidates.Add(record);
        var due = _candidates.Between(from, now - settings.ReconcileAfter);
        if (due.Count == 0) return [];

        var check = new DueIntents(due);
        await foreach (var record in archive.StreamDaysAsync(firstDay, lastDay, cancellationToken).ConfigureAwait(false)) check.Add(record);
        var open = check.Open();
        foreach (var settled in due.Except(open.Select(o => o.Intent))) _candidates.Done(settled);
        if (open.Count == 0) return [];

        var completed = new List<string>();
        DatoCmsSession? session = null;
        foreach (var (found, nextBefore) in open)
        {
            try
            {
                var intent = found.Json.Deserialize(AuditJsonContext.Default.AuditRecord)!;
                if (intent.TokenId is not { } tokenId || intent.Requested is not { } requested)
                {
                    _candidates.Done(found);   // nothing to compare with: never reconciled, so never read again
                    continue;
                }
                var observed = nextBefore?.Deserialize(AuditJsonContext.Default.TokenState);
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
                _candidates.Done(found);
            }
            catch (DependencyUnavailableException unavailable)
            {
                logger.LogWarning("Reconciling {AuditId} stopped: {Dependency} unavailable; next pass", found.AuditId, unavailable.Dependency);
                break;
            }
            catch (JsonException)
            {
                logger.LogError("Intent {AuditId} in {Chain} is not a record this version reads; left as is", found.AuditId, found.Chain);
                _candidates.Done(found);
            }
        }
        return completed;
    }
}
