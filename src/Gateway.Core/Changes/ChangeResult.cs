using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Changes;

public enum ChangeOutcome
{
    /// <summary>The <c>PUT</c> was sent and DatoCMS applied it.</summary>
    Applied,
    /// <summary>The token already was in the requested state: nothing was sent.</summary>
    NoChange,
    /// <summary>Everything but the <c>PUT</c>: validated, read, diffed and checked against policy.</summary>
    DryRun,
    /// <summary>Refused for good: invalid, against policy, stale, or refused by DatoCMS. Retrying will not help.</summary>
    Rejected,
    /// <summary>Could not be done now (DatoCMS, Key Vault or the audit queue unavailable). Retrying may help.</summary>
    Failed,
    /// <summary>A transient failure on the last attempt the queue will make.</summary>
    GaveUp,
}

/// <summary>What became of a change request. Mapped to HTTP in one place and to the audit record in one place.</summary>
public sealed record ChangeResult(ChangeOutcome Outcome, string AuditId, string CorrelationId)
{
    public ApiError? Error { get; init; }
    /// <summary>The token as DatoCMS last described it (after the change when applied), its secret nulled.</summary>
    public AccessTokenResource? Token { get; init; }
    public TokenState? Before { get; init; }
    public TokenState? After { get; init; }
    public IReadOnlyList<FieldChange> Diff { get; init; } = [];
    public int? UpstreamStatus { get; init; }
    public string? UpstreamRequestId { get; init; }
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>Set when the change was applied but its outcome record could not be written after every retry.</summary>
    public bool OutcomeAuditMissing { get; init; }
    /// <summary>When an expiring grant is reverted (its revert is already scheduled).</summary>
    public DateTimeOffset? RevertAt { get; init; }

    /// <summary>True when a later attempt could succeed: the queue path rethrows so the runtime retries.</summary>
    public bool IsTransient => Outcome == ChangeOutcome.Failed || OutcomeAuditMissing;

    public static string OutcomeName(ChangeOutcome outcome) => outcome switch
    {
        ChangeOutcome.Applied => "applied",
        ChangeOutcome.NoChange => "no_change",
        ChangeOutcome.DryRun => "dry_run",
        ChangeOutcome.Rejected => "rejected",
        ChangeOutcome.Failed => "failed",
        ChangeOutcome.GaveUp => "gave_up",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };
}
