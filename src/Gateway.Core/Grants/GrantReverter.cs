using System.Diagnostics;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Grants;

/// <summary>
/// Ends a token's due grants, as the registry records them — whatever asked (a revert message, the sweeper), the
/// registry alone decides what is reverted. Under the token's lock it reads the grants again (another instance may have
/// ended them), reads the token, and for each due grant revokes exactly the fields it escalated: each goes back to its
/// value before the grant if it still holds the granted value, and is left alone otherwise; other fields (a rename)
/// are kept as they are now. A revert only revokes, so it is never put to policy. It is audited as a change
/// (<c>source</c> <c>schedule</c>, intent before the <c>PUT</c>, outcome after). Its rows go once DatoCMS applied it (or
/// the token is gone); a transient failure leaves them for the next attempt.
/// </summary>
public sealed class GrantReverter(
    IDatoCmsClient datoCms,
    [FromKeyedServices(SecretsServiceCollectionExtensions.CmaToken)] ISecretSource cmaToken,
    ITokenLocks locks,
    IGrantRegistry registry,
    AuditTrail audit,
    TimeProvider time,
    ILogger<GrantReverter> logger)
{
    public const string RequestedBy = "access-token-gateway";

    /// <param name="trigger">What asked, for the audit record's caller: <c>grant-reverts</c> (a message) or <c>grant-sweeper</c>.</param>
    public async Task<RevertRun> RevertDueAsync(string tokenId, string trigger, CancellationToken cancellationToken)
    {
        var ended = 0;
        using var span = GatewayActivity.Source.StartActivity("grant revert due");
        span?.SetTag(GatewayActivity.TokenIdTag, tokenId);
        span?.SetTag("gateway.trigger", trigger);
        try
        {
            var session = await DatoCmsSession.OpenAsync(datoCms, cmaToken, cancellationToken).ConfigureAwait(false);
            await using var tokenLock = await locks.AcquireAsync(tokenId, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var due = (await registry.ForTokenAsync(tokenId, cancellationToken).ConfigureAwait(false)).Where(g => g.IsDue(now)).ToList();
            if (due.Count == 0) return RevertRun.Nothing;

            AccessTokenResource? current = null;
            foreach (var grant in due.GroupBy(g => g.GrantId).OrderBy(g => g.Min(x => x.ExpiresAt)))
            {
                var (outcome, after) = await RevertGrantAsync(session, tokenId, grant.ToList(), current, trigger, cancellationToken).ConfigureAwait(false);
                if (outcome.IsTransient) return new RevertRun(ended, outcome);
                ended++;
                GatewayMetrics.GrantsReverted.Add(1, new KeyValuePair<string, object?>("trigger", trigger));
                current = after;
            }
            return new RevertRun(ended, null);
        }
        catch (DependencyUnavailableException unavailable)
        {
            logger.LogWarning("Grants on token {TokenId} could not be reverted now ({Dependency}); they will be tried again", tokenId, unavailable.Dependency);
            return new RevertRun(ended, Unavailable.Of(unavailable));
        }
    }

    private async Task<(Outcome Outcome, AccessTokenResource? After)> RevertGrantAsync(
        DatoCmsSession session, string tokenId, IReadOnlyList<Grant> rows, AccessTokenResource? known, string trigger, CancellationToken cancellationToken)
    {
        var grant = rows[0];
        var started = Stopwatch.GetTimestamp();
        var trace = new ChangeTrace(Guid.CreateVersion7(time.GetUtcNow()).ToString("N"), Request(tokenId, grant, trigger), started);

        var current = known;
        if (current is null)
        {
            var read = await session.ReadAsync(tokenId, cancellationToken).ConfigureAwait(false);
            trace = trace.Including(read);
            if (read.Kind != DatoCmsReplyKind.Ok) return (await EndAsync(trace, rows, UpstreamOutcomes.Of(read, wasWrite: false), cancellationToken).ConfigureAwait(false), null);
            current = read.Token!;
        }

        var target = current.State;
        foreach (var row in rows)
        {
            var now = GrantFields.Get(current.State, row.Field);
            // Only ever back to less: a flag is turned off, the role goes back to the one before the grant.
            var revokes = row.Field == TokenFields.RoleId || !GrantFields.Escalates(row.Field, now, row.ValueBefore);
            if (now == row.GrantedValue && revokes) target = GrantFields.Set(target, row.Field, row.ValueBefore);
            else logger.LogInformation("Grant {GrantId} on token {TokenId}: {Field} no longer holds the granted value and is left as it is", grant.GrantId, tokenId, row.Field);
        }

        var diff = current.State.DiffTo(target);
        trace = trace with { Change = new ChangeDocument(tokenId, target, Meta(grant)), Current = current, Diff = diff };
        if (diff.Count == 0) return (await EndAsync(trace, rows, new NoChange(current), cancellationToken).ConfigureAwait(false), current);

        await audit.RecordIntentAsync(AuditRecords.Intent(trace, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        var written = await session.WriteAsync(tokenId, target, cancellationToken).ConfigureAwait(false);
        trace = trace.Including(written);
        var outcome = written.Kind == DatoCmsReplyKind.Ok ? new Applied(written.Token!, diff, null) : UpstreamOutcomes.Of(written, wasWrite: true);
        return (await EndAsync(trace, rows, outcome, cancellationToken).ConfigureAwait(false), (outcome as Applied)?.After);
    }

    /// <summary>Removes the rows when the grant is over (applied, nothing left to revoke, the token gone), and records the outcome.</summary>
    private async Task<Outcome> EndAsync(ChangeTrace trace, IReadOnlyList<Grant> rows, Outcome outcome, CancellationToken cancellationToken)
    {
        var over = outcome is Applied or NoChange || outcome is RefusedByDatoCms { Error.Status: 404 };
        if (over)
        {
            foreach (var row in rows) await registry.RemoveAsync(row, cancellationToken).ConfigureAwait(false);
        }
        var recorded = await audit.TryRecordOutcomeAsync(AuditRecords.Outcome(trace, outcome, time.GetUtcNow()), retry: outcome is Applied, cancellationToken).ConfigureAwait(false);
        var level = outcome switch
        {
            Applied when !recorded => LogLevel.Critical,
            Applied or NoChange => LogLevel.Information,
            _ => LogLevel.Warning,
        };
        logger.Log(level, "Revert {AuditId} of grant {GrantId} on token {TokenId} by {Trigger}: {Outcome} {ErrorCode} ({DurationMs} ms, outcome audit missing: {OutcomeAuditMissing})",
            trace.AuditId, rows[0].GrantId, rows[0].TokenId, trace.Request.Origin.Caller.Id, outcome.Name, outcome.Code,
            (long)Stopwatch.GetElapsedTime(trace.StartedTimestamp).TotalMilliseconds, !recorded);
        // A permanent refusal other than "gone" leaves the rows: the grant stays owed and shows as overdue until someone acts.
        return outcome is RefusedByDatoCms && !over ? new Unavailable(Dependency.RevertSchedule, "DatoCMS refused the revert; the grant stays owed.") : outcome;
    }

    private static ChangeRequest Request(string tokenId, Grant grant, string trigger) => new()
    {
        Origin = new ChangeOrigin(OriginKind.Schedule, new CallerIdentity(CallerKinds.Gateway, trigger)),
        TokenId = tokenId,
        Document = ReadOnlyMemory<byte>.Empty,
        CorrelationId = grant.GrantId,
    };

    private static ChangeMetadata Meta(Grant grant) => new(
        RequestedBy: RequestedBy,
        ApprovedBy: grant.ApprovedBy,
        Reason: $"Expiry of grant {grant.GrantId} at {grant.ExpiresAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}",
        Ticket: grant.Ticket);
}
