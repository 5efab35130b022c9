using System.Diagnostics;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Grants;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Changes;

/// <summary>
/// The change pipeline, the same for every origin, one way through steps that take and return values:
/// admit → validate → policy → (CMA token, the token's lock) plan: read, the token's grants, diff, policy on the
/// transition → apply: intent, the grants it makes, <c>PUT</c>, the grants it ends → record the outcome. Nothing reaches DatoCMS before the request is fully validated,
/// allowed and its intent recorded.
/// </summary>
public sealed class ChangePipeline(
    IDatoCmsClient datoCms,
    [FromKeyedServices(SecretsServiceCollectionExtensions.CmaToken)] ISecretSource cmaToken,
    ChangePolicy policy,
    ITokenLocks locks,
    AuditTrail audit,
    GrantLedger grants,
    TimeProvider time,
    ILogger<ChangePipeline> logger,
    ReadCoalescer? reads = null)
{
    public async Task<ChangeResult> SubmitAsync(ChangeRequest request, CancellationToken cancellationToken)
    {
        using var span = GatewayActivity.StartChange(request.TraceParent);
        var begun = new ChangeTrace(request.AuditId ?? Guid.CreateVersion7(time.GetUtcNow()).ToString("N"), request, Stopwatch.GetTimestamp());
        var (trace, decided) = await DecideSafelyAsync(begun, cancellationToken).ConfigureAwait(false);
        var outcome = decided!;
        if (outcome.IsTransient && request.Delivery.IsLast) outcome = new GaveUp(outcome);

        var recorded = await audit.TryRecordOutcomeAsync(AuditRecords.Outcome(trace, outcome, time.GetUtcNow()), retry: outcome is Applied, cancellationToken).ConfigureAwait(false);
        if (!recorded && outcome is Applied)
            logger.LogCritical("Change {AuditId} to token {TokenId} was applied but its outcome record could not be written; its intent record stands",
                trace.AuditId, trace.Change!.TokenId);
        if (!recorded && outcome is not Applied)
        {
            // Nothing was applied, and nothing may pass unrecorded: the answer says the audit trail is down.
            Outcome unrecorded = new Unavailable(Dependency.AuditTrail, "The audit trail could not be written; nothing was sent to DatoCMS.");
            outcome = outcome is GaveUp ? new GaveUp(unrecorded) : unrecorded;
        }
        var result = new ChangeResult(trace.AuditId, request.CorrelationId, outcome, recorded);
        Log(trace, result);
        ChangeTelemetry.Record(span, request, result);
        return result;
    }

    /// <summary>The decision, whatever happens: a bug still leaves an outcome to record and answer with.</summary>
    private async Task<Decision> DecideSafelyAsync(ChangeTrace trace, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideAsync(trace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing the pipeline throws carries a secret, but only the exception's type is logged to be sure.
            logger.LogError("Change {AuditId} failed unexpectedly: {ExceptionType}", trace.AuditId, ex.GetType().FullName);
            return trace.Ends(new Unknown(ErrorCodes.InternalError, "The gateway failed unexpectedly; nothing is known to have been applied beyond what the audit trail shows."));
        }
    }

    private async Task<Decision> DecideAsync(ChangeTrace trace, CancellationToken cancellationToken)
    {
        var request = trace.Request;
        if (request.NotAdmitted is { } notAdmitted) return trace.Ends(notAdmitted);

        var validated = ChangeDocumentValidator.Validate(request.Document, request.TokenId, request.Headers, time.GetUtcNow());
        if (validated.Stop is { } invalid) return trace.Ends(invalid);
        var change = validated.Value!;
        trace = trace with { Change = change };
        if ((policy.CheckRequest(change) ?? policy.CheckExpiry(change, time.GetUtcNow())) is { } refused) return trace.Ends(refused);

        try
        {
            using var session = await DatoCmsSession.OpenAsync(datoCms, cmaToken, reads, cancellationToken).ConfigureAwait(false);
            await using var tokenLock = await locks.AcquireAsync(change.TokenId, cancellationToken).ConfigureAwait(false);
            var planned = await PlanAsync(trace, session, cancellationToken).ConfigureAwait(false);
            return planned.Outcome is null ? await ApplyAsync(planned.Trace, session, cancellationToken).ConfigureAwait(false) : planned;
        }
        catch (DependencyUnavailableException unavailable)
        {
            return trace.Ends(Unavailable.Of(unavailable));
        }
    }

    /// <summary>Reads the token and decides what applying the change would mean: nothing, a dry run, a refusal, or go on.</summary>
    private async Task<Decision> PlanAsync(ChangeTrace trace, DatoCmsSession session, CancellationToken cancellationToken)
    {
        var change = trace.Change!;
        // The token's grants need only its lock, which is held: the registry is asked while DatoCMS is, so the path has one
        // storage round trip fewer in a row. A change that ends before it needs them leaves the answer unused.
        var active = ObservedAsync(grants.ActiveAsync(change.TokenId, cancellationToken));
        var read = await session.ReadAsync(change.TokenId, cancellationToken).ConfigureAwait(false);
        trace = trace.Including(read);
        if (read.Kind != DatoCmsReplyKind.Ok) return trace.Ends(UpstreamOutcomes.Of(read, wasWrite: false));
        var current = read.Token!;
        // DatoCMS may resolve an id to a record of another spelling: what it answered about must be what was asked for.
        if (!string.Equals(current.Id, change.TokenId, StringComparison.Ordinal))
            return trace.Ends(Refused.Because(RefusalKind.Invalid, ErrorCodes.TokenIdMismatch,
                "DatoCMS answered with another token than the one requested; nothing was written."));
        // A partial change is completed from the state just read, and the request's rules run again on the full state
        // (a role left out is the current role): from here on everything sees exactly what DatoCMS will receive.
        change = change.MergedWith(current.State);
        trace = trace with { Current = current, Change = change };
        if ((policy.CheckSelf(current) ?? policy.CheckRequest(change) ?? policy.CheckExpiry(change, time.GetUtcNow())) is { } refused) return trace.Ends(refused);

        if (current.IsBuiltIn)
            return trace.Ends(Refused.Because(RefusalKind.Invalid, ErrorCodes.NonEditableAccessToken, "Built-in API tokens cannot be edited."));
        if (change.Meta.Expected is { } expected && expected != current.State)
            return trace.Ends(StaleApproval(expected, current.State));

        var planned = GrantRules.Plan(current.State, change, await active.ConfigureAwait(false), trace.AuditId, time.GetUtcNow());
        if (planned.Stop is { } notAGrant) return trace.Ends(notAGrant);
        var diff = current.State.DiffTo(change.Full);
        trace = trace with { Diff = diff, Grants = planned.Value! };
        // Renewing a grant changes no field but its expiry: it goes on, to be written like any grant.
        if (diff.Count == 0 && planned.Value!.Granted.Count == 0) return trace.Ends(new NoChange(current));
        if (policy.CheckTransition(planned.Value!.PolicyBaseline(current.State), change, trace.Request.Origin) is { } notAllowed) return trace.Ends(notAllowed);
        if (change.Meta.DryRun) return trace.Ends(new DryRun(current, change.Full, diff));
        return trace.GoesOn();
    }

    /// <summary>Records the intent and the grants the change makes, sends the <c>PUT</c>, and settles the grants on its answer.</summary>
    private async Task<Decision> ApplyAsync(ChangeTrace trace, DatoCmsSession session, CancellationToken cancellationToken)
    {
        var change = trace.Change!;
        try
        {
            await audit.RecordIntentAsync(AuditRecords.Intent(trace, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            // Recorded before the PUT: a grant must never be in force without its end in the registry. If the PUT then
            // surely failed, SettleAsync takes the grant back, so no revert is left to undo a later, legitimate change.
            await grants.RecordAsync(trace.Grants, cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException unavailable)
        {
            return trace.Ends(Unavailable.Of(unavailable));
        }

        var written = await session.WriteAsync(change.TokenId, change.Full, cancellationToken).ConfigureAwait(false);
        trace = trace.Including(written);
        Outcome outcome = written.Kind == DatoCmsReplyKind.Ok && !string.Equals(written.Token!.Id, change.TokenId, StringComparison.Ordinal)
            ? new Unknown(ErrorCodes.TokenIdMismatch, "DatoCMS answered the PUT with another token than the one requested; what it changed is not known.")
            : written.Kind == DatoCmsReplyKind.Ok
                ? new Applied(written.Token!, trace.Diff, change.Meta.ExpiresAt)
                : UpstreamOutcomes.Of(written, wasWrite: true);
        await grants.SettleAsync(trace.Grants, outcome, cancellationToken).ConfigureAwait(false);
        return trace.Ends(outcome);
    }

    /// <summary>
    /// The task itself, its failure marked as seen even if no one awaits it (a change that ends before it needs the
    /// answer leaves it behind; awaited, it still throws).
    /// </summary>
    private static Task<T> ObservedAsync<T>(Task<T> task)
    {
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private static Refused StaleApproval(TokenState expected, TokenState current)
    {
        var differences = new JsonArray();
        foreach (var d in expected.DiffTo(current))
            differences.Add(new JsonObject { ["field"] = d.Field, ["expected"] = JsonValue.Create(d.From?.ToString()), ["current"] = JsonValue.Create(d.To?.ToString()) });
        return new Refused(RefusalKind.Stale, ErrorCodes.StaleApproval, new JsonObject
        {
            ["message"] = "The token changed since the approval: its current state is not the state the approver saw.",
            ["differences"] = differences,
        });
    }

    private void Log(ChangeTrace trace, ChangeResult result)
    {
        var unrecorded = !result.OutcomeRecorded;
        var level = result.Outcome switch
        {
            Applied when unrecorded => LogLevel.Critical,
            { IsTransient: true } => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        logger.Log(level,
            "Change {AuditId} to token {TokenId} from {Source}: {Outcome} {ErrorCode} (status {UpstreamStatus}, {UpstreamAttempts} upstream attempts, {DurationMs} ms, correlation {CorrelationId}, outcome audit missing: {OutcomeAuditMissing})",
            result.AuditId, Ids.IsValid(trace.Request.TokenId) ? trace.Request.TokenId : "(invalid)", trace.Request.Origin.SourceName,
            result.Outcome.Name, result.Outcome.Code, trace.Upstream.LastStatus, trace.Upstream.Attempts,
            (long)Stopwatch.GetElapsedTime(trace.StartedTimestamp).TotalMilliseconds, result.CorrelationId, unrecorded);
    }
}
