using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Turns the pipeline's state into audit records (the one place that maps a result to a record) and writes them
/// fail-closed: a change is sent only after its intent is recorded; an outcome that cannot be recorded turns the
/// result into a transient failure, except after an applied <c>PUT</c>, where the write is retried and, if it still
/// fails, the change stays traceable through its intent record and the result says the outcome is missing.
/// </summary>
public sealed class AuditTrail(IAuditSink sink, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditTrail> logger)
{
    internal Task RecordIntentAsync(ChangeContext context, CancellationToken cancellationToken) =>
        sink.WriteAsync(Build(context, "intent", null), cancellationToken);

    internal async Task<ChangeResult> RecordOutcomeAsync(ChangeContext context, ChangeResult result, CancellationToken cancellationToken)
    {
        var record = Build(context, "outcome", result);
        var retries = result.Outcome == ChangeOutcome.Applied ? options.Value.OutcomeWriteRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await sink.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (AuditUnavailableException) when (attempt < retries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), time, cancellationToken).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                if (result.Outcome == ChangeOutcome.Applied)
                {
                    logger.LogCritical(ex, "Change {AuditId} to token {TokenId} was applied but its outcome record could not be written; its intent record stands",
                        context.AuditId, context.Change?.TokenId);
                    return result with { OutcomeAuditMissing = true };
                }
                var failed = context.Fail(503, JsonApi.ErrorCodes.AuditUnavailable, "The audit trail could not be written; nothing was sent to DatoCMS.");
                return result.Outcome is ChangeOutcome.Failed or ChangeOutcome.GaveUp ? failed with { Outcome = result.Outcome } : failed;
            }
        }
    }

    private AuditRecord Build(ChangeContext context, string kind, ChangeResult? result)
    {
        var submission = context.Submission;
        var change = context.Change;
        return new AuditRecord
        {
            AuditId = context.AuditId,
            CorrelationId = submission.CorrelationId,
            Kind = kind,
            Time = time.GetUtcNow(),
            Source = submission.Source == ChangeSource.Http ? "http" : "queue",
            Caller = new AuditCaller(context.Caller.Kind, context.Caller.Id),
            RequestedBy = change?.Meta.RequestedBy,
            ApprovedBy = change?.Meta.ApprovedBy,
            Reason = change?.Meta.Reason,
            Ticket = change?.Meta.Ticket,
            // An id that failed validation is not repeated: it could be anything the caller sent.
            TokenId = Ids.IsValid(submission.TokenId) ? submission.TokenId : null,
            Requested = change?.Requested,
            Before = context.Before,
            After = result?.After,
            Diff = context.Diff.Count == 0 ? null : context.Diff.Select(d => new AuditFieldChange(d.Field, Text(d.From), Text(d.To))).ToList(),
            Outcome = result is null ? null : ChangeResult.OutcomeName(result.Outcome),
            Error = result?.Error is { } e ? new AuditError(e.Status, e.Code, e.FieldName) : null,
            Datocms = context.UpstreamStatus is null && context.UpstreamRequestId is null ? null : new AuditUpstream(context.UpstreamStatus, context.UpstreamRequestId),
            DryRun = change?.Meta.DryRun ?? false,
            ExpiresAt = change?.Meta.ExpiresAt,
            Attempt = submission.Attempt,
            UpstreamAttempts = context.UpstreamAttempts,
            DurationMs = (long)Stopwatch.GetElapsedTime(context.Started).TotalMilliseconds,
        };
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };
}
