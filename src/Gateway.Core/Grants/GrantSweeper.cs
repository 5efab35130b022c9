using AccessTokenGateway.Audit;
using AccessTokenGateway.Outcomes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Grants;

/// <summary>
/// The net under the revert messages: run by a timer, it reverts every grant the registry says is due, so a revert
/// message deleted, poisoned or never sent cannot make a grant permanent. A grant owed longer than
/// <see cref="GrantsOptions.OverdueGrace"/> is reported once — a critical log line and a <c>revert_overdue</c> audit
/// record — by whichever instance marks it first. Instances sweeping together revert each grant once: the reverter
/// reads the registry again under the token's lock, and rows are removed only at their own version.
/// </summary>
public sealed class GrantSweeper(IGrantRegistry registry, GrantReverter reverter, AuditTrail audit, IOptions<GrantsOptions> options, TimeProvider time, ILogger<GrantSweeper> logger)
{
    public const string Trigger = "grant-sweeper";

    /// <summary>
    /// How long a used revert message is remembered as used. Far beyond its grant's hop (7 days): a replay after that
    /// finds its grant ended, or is judged by the registry like any reminder, and still cannot make a revert happen early.
    /// </summary>
    public static readonly TimeSpan ConsumedMemory = TimeSpan.FromDays(30);

    private DateTimeOffset _nextForget = DateTimeOffset.MinValue;

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<Grant> due;
        try
        {
            due = await registry.DueAsync(now, cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException)
        {
            logger.LogError("The grant registry could not be read: no expired grant was swept; the next sweep tries again");
            return new SweepResult(0, 0, 0);
        }

        int ended = 0, failed = 0;
        foreach (var token in due.GroupBy(g => g.TokenId))
        {
            foreach (var grant in token.GroupBy(g => g.GrantId))
                await ReportIfOverdueAsync(grant.ToList(), now, cancellationToken).ConfigureAwait(false);
            var run = await reverter.RevertDueAsync(token.Key, Trigger, cancellationToken).ConfigureAwait(false);
            ended += run.Ended;
            if (run.Failure is not null) failed++;
        }
        await ForgetOldMessagesAsync(now, cancellationToken).ConfigureAwait(false);
        if (due.Count > 0)
            logger.LogInformation("Grant sweep: {Due} grant fields due, {Ended} grants ended, {Failed} tokens still owed", due.Count, ended, failed);
        return new SweepResult(due.Count, ended, failed);
    }

    /// <summary>At most hourly per instance, and best effort: a used message kept longer only takes room.</summary>
    private async Task ForgetOldMessagesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now < _nextForget) return;
        _nextForget = now + TimeSpan.FromHours(1);
        try
        {
            await registry.ForgetConsumedAsync(now - ConsumedMemory, 100, cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException)
        {
            // The next hour's sweep tries again.
        }
    }

    private async Task ReportIfOverdueAsync(IReadOnlyList<Grant> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grant = rows[0];
        if (now - grant.ExpiresAt < options.Value.OverdueGrace || rows.Any(r => r.OverdueReportedAt is not null)) return;
        try
        {
            // The mark first, at the row's version: of two instances, one reports.
            if (!await registry.MarkOverdueReportedAsync(grant, now, cancellationToken).ConfigureAwait(false)) return;
        }
        catch (DependencyUnavailableException)
        {
            return;
        }
        logger.LogCritical("Grant {GrantId} on token {TokenId} expired at {ExpiresAt:O} and is still not reverted ({Fields}): access is held beyond its approval",
            grant.GrantId, grant.TokenId, grant.ExpiresAt, string.Join(", ", rows.Select(r => r.Field)));
        await audit.TryRecordOutcomeAsync(AuditRecords.RevertOverdue(rows, now), retry: true, cancellationToken).ConfigureAwait(false);
    }
}
