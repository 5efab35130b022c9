using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Audit;

/// <summary>The one place a change becomes audit records: built from its trace and its outcome, nothing else.</summary>
public static class AuditRecords
{
    public static AuditRecord Intent(ChangeTrace trace, DateTimeOffset now) => Build(trace, "intent", null, now);

    public static AuditRecord Outcome(ChangeTrace trace, Outcome outcome, DateTimeOffset now) => Build(trace, "outcome", outcome, now);

    /// <summary>
    /// A grant the registry still owes a revert well past its expiry: kind <c>alert</c>, outcome <c>revert_overdue</c>, the
    /// grant's id as the correlation id, its fields as the diff it is waiting to undo (granted value → value before).
    /// </summary>
    public static AuditRecord RevertOverdue(IReadOnlyList<Grants.Grant> rows, DateTimeOffset now)
    {
        var grant = rows[0];
        return new AuditRecord
        {
            AuditId = Guid.CreateVersion7(now).ToString("N"),
            CorrelationId = grant.GrantId,
            Kind = "alert",
            Time = now,
            Source = "schedule",
            Caller = new AuditCaller(CallerKinds.Gateway, Grants.GrantSweeper.Trigger),
            RequestedBy = grant.RequestedBy,
            ApprovedBy = grant.ApprovedBy,
            Reason = $"Grant {grant.GrantId} expired at {grant.ExpiresAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} and is not reverted yet",
            Ticket = grant.Ticket,
            TokenId = grant.TokenId,
            Diff = rows.Select(r => new AuditFieldChange(r.Field, r.GrantedValue, r.ValueBefore)).ToList(),
            Outcome = "revert_overdue",
            ExpiresAt = grant.ExpiresAt,
        };
    }

    /// <summary>
    /// The outcome the reconciler establishes for an intent left without one: under the intent's audit id, what the
    /// token shows (<c>applied</c> when it holds the requested state, else <c>not_applied</c>), marked reconciled.
    /// </summary>
    public static AuditRecord Reconciled(AuditRecord intent, bool applied, TokenState? observed, DateTimeOffset now) => intent with
    {
        Kind = "outcome",
        Time = now,
        After = observed,
        Outcome = applied ? "applied" : "not_applied",
        Error = null,
        Datocms = null,
        UpstreamAttempts = 0,
        DurationMs = 0,
        Reconciled = true,
        Chain = null,
        Seq = null,
        PrevHash = null,
    };

    private static AuditRecord Build(ChangeTrace trace, string kind, Outcome? outcome, DateTimeOffset now)
    {
        var request = trace.Request;
        var change = trace.Change;
        return new AuditRecord
        {
            AuditId = trace.AuditId,
            CorrelationId = request.CorrelationId,
            Kind = kind,
            Time = now,
            Source = request.Origin.SourceName,
            Caller = new AuditCaller(request.Origin.Caller.Kind, request.Origin.Caller.Id),
            RequestedBy = change?.Meta.RequestedBy,
            ApprovedBy = change?.Meta.ApprovedBy,
            Reason = change?.Meta.Reason,
            Ticket = change?.Meta.Ticket,
            // An id that failed validation is not repeated: it could be anything the caller sent.
            TokenId = Ids.IsValid(request.TokenId) ? request.TokenId : null,
            Requested = change?.Requested,
            Before = trace.Current?.State,
            After = outcome is null ? null : After(outcome),
            Diff = trace.Diff.Count == 0 ? null : trace.Diff.Select(d => new AuditFieldChange(d.Field, FieldChange.Text(d.From), FieldChange.Text(d.To))).ToList(),
            Outcome = outcome?.Name,
            Error = outcome?.Code is { } code ? new AuditError(ErrorStatus.Of(outcome), code, FieldOf(outcome)) : null,
            Datocms = trace.Upstream is { LastStatus: null, LastRequestId: null } ? null : new AuditUpstream(trace.Upstream.LastStatus, trace.Upstream.LastRequestId),
            DryRun = change?.Meta.DryRun ?? false,
            ExpiresAt = change?.Meta.ExpiresAt,
            Attempt = request.Delivery.Attempt,
            UpstreamAttempts = trace.Upstream.Attempts,
            DurationMs = (long)Stopwatch.GetElapsedTime(trace.StartedTimestamp).TotalMilliseconds,
        };
    }

    private static TokenState? After(Outcome outcome) => outcome switch
    {
        Applied applied => applied.After.State,
        NoChange noChange => noChange.Current.State,
        DryRun dryRun => dryRun.WouldBecome,
        _ => null,
    };

    private static string? FieldOf(Outcome outcome) => outcome switch
    {
        Refused refused => refused.FieldName,
        RefusedByDatoCms byDatoCms => byDatoCms.Error.Details?["field"] is System.Text.Json.Nodes.JsonValue field
                                      && field.GetValueKind() == System.Text.Json.JsonValueKind.String ? field.GetValue<string>() : null,
        _ => null,
    };
}
