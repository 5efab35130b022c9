using System.Diagnostics;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Changes;

/// <summary>
/// The change pipeline, the same for every trigger:
/// validate → policy → secret → lock → read → diff → policy on the transition → audit intent → PUT → audit outcome.
/// Nothing reaches DatoCMS before the request is fully validated, allowed and its intent recorded. The token's lock is
/// released while the outcome is written (two storage round trips at once rather than one after the other): the
/// outcome record reads nothing from DatoCMS, so the next change to the token need not wait for it.
/// </summary>
public sealed class ChangeGateway(
    IDatoCmsClient datoCms,
    [FromKeyedServices(SecretsServiceCollectionExtensions.CmaToken)] ISecretSource cmaToken,
    ChangePolicy policy,
    ITokenLocks locks,
    AuditTrail audit,
    IRevertScheduler reverts,
    IRequestAuthenticator authenticator,
    TimeProvider time,
    ILogger<ChangeGateway> logger)
{
    public async Task<ChangeResult> SubmitAsync(ChangeSubmission submission, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var context = new ChangeContext(submission, NewId(), started);
        await using var tokenLock = new LockSlot();
        ChangeResult result;
        try
        {
            result = await DecideAsync(context, tokenLock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A bug must still leave an outcome record and answer in the error shape; the message names no secret
            // (nothing the pipeline throws carries one), but only the exception's type is logged to be sure.
            logger.LogError("Change {AuditId} failed unexpectedly: {ExceptionType}", context.AuditId, ex.GetType().FullName);
            result = context.Fail(500, ErrorCodes.InternalError, "The gateway failed unexpectedly; nothing is known to have been applied beyond what the audit trail shows.");
        }
        if (result.Outcome == ChangeOutcome.Failed && submission.IsFinalAttempt && submission.Source == ChangeSource.Queue)
            result = result with { Outcome = ChangeOutcome.GaveUp };

        var outcome = audit.RecordOutcomeAsync(context, result, cancellationToken);
        try
        {
            await tokenLock.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            result = await outcome.ConfigureAwait(false);
        }
        Log(context, result);
        return result;
    }

    private async Task<ChangeResult> DecideAsync(ChangeContext context, LockSlot tokenLock, CancellationToken cancellationToken)
    {
        var submission = context.Submission;
        if (submission.BodyTooLarge)
            return context.Reject(ApiError.WithMessage(413, ErrorCodes.RequestTooLarge, $"The body exceeds {ValidationLimits.MaxBodyBytes} bytes."));
        var (caller, unauthenticated) = await authenticator.AuthenticateAsync(submission, cancellationToken).ConfigureAwait(false);
        if (unauthenticated is not null)
            return unauthenticated.Transient ? context.Result(ChangeOutcome.Failed, null) with { Error = unauthenticated } : context.Reject(unauthenticated);
        if (caller is not null) context.Caller = caller;
        if (submission.Source == ChangeSource.Http && ContentTypes.Check(submission.ContentType) is { } contentTypeError)
            return context.Reject(contentTypeError);

        var validated = ChangeDocumentValidator.Validate(submission.Body, submission.TokenId, submission.Headers, time.GetUtcNow());
        if (validated.Error is { } invalid) return context.Reject(invalid);
        var change = context.Change = validated.Document!;
        if (policy.CheckRequest(change) is { } refused) return context.Reject(refused);

        try
        {
            var bearer = await cmaToken.GetAsync(cancellationToken).ConfigureAwait(false);
            tokenLock.Held = await locks.AcquireAsync(change.TokenId, cancellationToken).ConfigureAwait(false);
            var upstream = new UpstreamCaller(cmaToken, bearer, context);

            var read = await upstream.CallAsync((b, ct) => datoCms.GetAccessTokenAsync(change.TokenId, b, ct), cancellationToken).ConfigureAwait(false);
            if (!read.IsSuccess) return context.FromUpstream(read);
            var current = read.Token!;
            context.Before = current.State;

            if (current.IsBuiltIn)
                return context.Reject(ApiError.WithMessage(422, ErrorCodes.NonEditableAccessToken, "Built-in API tokens cannot be edited."), current);
            if (change.Meta.Expected is { } expected && expected != current.State)
                return context.Reject(StaleApproval(expected, current.State), current);

            context.Diff = current.State.DiffTo(change.Requested);
            if (context.Diff.Count == 0)
                return context.Result(ChangeOutcome.NoChange, current) with { After = current.State };
            if (policy.CheckTransition(current.State, change, new ChangeOrigin(submission.Source, submission.IsScheduledRevert)) is { } notAllowed)
                return context.Reject(notAllowed, current);
            if (change.Meta.DryRun)
                return context.Result(ChangeOutcome.DryRun, current) with { After = change.Requested };

            await audit.RecordIntentAsync(context, cancellationToken).ConfigureAwait(false);
            DateTimeOffset? revertAt = null;
            if (change.Meta.ExpiresAt is { } expiresAt)
            {
                // Scheduled before the PUT: a grant must never outlive its expiry. If the PUT then fails, the revert
                // finds the token not in the granted state and is refused as stale, changing nothing.
                await reverts.ScheduleAsync(new RevertRequest(change.TokenId, current.State, change.Requested, expiresAt, context.AuditId, change.Meta), cancellationToken).ConfigureAwait(false);
                revertAt = expiresAt;
            }

            var written = await upstream.CallAsync((b, ct) => datoCms.UpdateAccessTokenAsync(change.TokenId, change.Requested, b, ct), cancellationToken).ConfigureAwait(false);
            if (!written.IsSuccess) return context.FromUpstream(written);
            return context.Result(ChangeOutcome.Applied, written.Token) with { After = written.Token!.State, RevertAt = revertAt };
        }
        catch (SecretUnavailableException)
        {
            return context.Fail(503, ErrorCodes.SecretUnavailable, "The CMA token could not be read from Key Vault; nothing was sent to DatoCMS.");
        }
        catch (AuditUnavailableException)
        {
            return context.Fail(503, ErrorCodes.AuditUnavailable, "The audit trail could not be written; nothing was sent to DatoCMS.");
        }
        catch (TokenLockTimeoutException)
        {
            return context.Fail(503, ErrorCodes.TokenBusy, "Another change to this token is in progress; try again shortly.");
        }
        catch (RevertSchedulingException)
        {
            return context.Fail(503, ErrorCodes.RevertUnavailable, "The revert of this expiring grant could not be scheduled; nothing was sent to DatoCMS.");
        }
        catch (DatoCmsUnavailableException ex)
        {
            context.UpstreamAttempts += ex.Attempts;
            return context.Fail(502, ErrorCodes.UpstreamFailure, "DatoCMS did not answer usably; the change may be retried.");
        }
    }

    private static ApiError StaleApproval(TokenState expected, TokenState current)
    {
        var differences = new JsonArray();
        foreach (var d in expected.DiffTo(current))
            differences.Add(new JsonObject { ["field"] = d.Field, ["expected"] = JsonValue.Create(d.From?.ToString()), ["current"] = JsonValue.Create(d.To?.ToString()) });
        return new ApiError(409, ErrorCodes.StaleApproval, new JsonObject
        {
            ["message"] = "The token changed since the approval: its current state is not the state the approver saw.",
            ["differences"] = differences,
        });
    }

    private string NewId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    private void Log(ChangeContext context, ChangeResult result)
    {
        var level = result.Outcome switch
        {
            ChangeOutcome.Failed or ChangeOutcome.GaveUp => LogLevel.Warning,
            _ when result.OutcomeAuditMissing => LogLevel.Critical,
            _ => LogLevel.Information,
        };
        logger.Log(level,
            "Change {AuditId} to token {TokenId} from {Source}: {Outcome} {ErrorCode} (status {UpstreamStatus}, {UpstreamAttempts} upstream attempts, {DurationMs} ms, correlation {CorrelationId}, outcome audit missing: {OutcomeAuditMissing})",
            result.AuditId, Ids.IsValid(context.Submission.TokenId) ? context.Submission.TokenId : "(invalid)", context.Submission.Source,
            ChangeResult.OutcomeName(result.Outcome), result.Error?.Code, result.UpstreamStatus, context.UpstreamAttempts,
            (long)Stopwatch.GetElapsedTime(context.Started).TotalMilliseconds, result.CorrelationId, result.OutcomeAuditMissing);
    }

    /// <summary>The token's lock once acquired; released once, by whoever gets there first (the outcome write or an exception).</summary>
    private sealed class LockSlot : IAsyncDisposable
    {
        private IAsyncDisposable? _held;

        public IAsyncDisposable? Held { set => _held = value; }

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _held, null) is { } held ? held.DisposeAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Calls DatoCMS with the cached CMA token; on 401 (token rotated) reads the vault again once and retries once.</summary>
    private sealed class UpstreamCaller(ISecretSource secret, string bearer, ChangeContext context)
    {
        private bool _refreshed;
        private string _bearer = bearer;

        public async Task<DatoCmsResponse> CallAsync(Func<string, CancellationToken, Task<DatoCmsResponse>> call, CancellationToken cancellationToken)
        {
            var response = await call(_bearer, cancellationToken).ConfigureAwait(false);
            context.UpstreamAttempts += response.Attempts;
            if (response.Status == 401 && !_refreshed)
            {
                _refreshed = true;
                _bearer = await secret.RefreshAsync(_bearer, cancellationToken).ConfigureAwait(false);
                response = await call(_bearer, cancellationToken).ConfigureAwait(false);
                context.UpstreamAttempts += response.Attempts;
            }
            context.UpstreamStatus = response.Status;
            context.UpstreamRequestId = response.RequestId ?? context.UpstreamRequestId;
            return response;
        }
    }
}
