using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Audit;

/// <summary>
/// One audit record, as pushed to <c>access-token-audit</c>. Versioned by <see cref="SchemaVersion"/>; holds no
/// secret by construction: no field can carry the CMA token, a token's <c>token</c> attribute or a credential.
/// An applied change leaves two records with one <see cref="AuditId"/>: <c>intent</c> before the <c>PUT</c>,
/// <c>outcome</c> after it. Every other request leaves one <c>outcome</c>.
/// </summary>
public sealed record AuditRecord
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string AuditId { get; init; }
    public required string CorrelationId { get; init; }
    /// <summary><c>intent</c>, <c>outcome</c>, or <c>alert</c> (a grant overdue for its revert).</summary>
    public required string Kind { get; init; }
    public required DateTimeOffset Time { get; init; }
    /// <summary><c>http</c>, <c>queue</c>, or <c>schedule</c> (the end of a grant).</summary>
    public required string Source { get; init; }
    public required AuditCaller Caller { get; init; }
    public string? RequestedBy { get; init; }
    public string? ApprovedBy { get; init; }
    public string? Reason { get; init; }
    public string? Ticket { get; init; }
    public string? TokenId { get; init; }
    public TokenState? Requested { get; init; }
    public TokenState? Before { get; init; }
    public TokenState? After { get; init; }
    public IReadOnlyList<AuditFieldChange>? Diff { get; init; }
    /// <summary>On outcome records: <c>applied</c>, <c>no_change</c>, <c>dry_run</c>, <c>rejected</c>, <c>failed</c>, <c>unknown</c>, <c>gave_up</c>; <c>applied</c> or <c>not_applied</c> when <see cref="Reconciled"/>; on alerts, <c>revert_overdue</c>.</summary>
    public string? Outcome { get; init; }
    public AuditError? Error { get; init; }
    public AuditUpstream? Datocms { get; init; }
    public bool DryRun { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>The queue message's dequeue count, or 1 over HTTP.</summary>
    public int Attempt { get; init; } = 1;
    /// <summary>HTTP attempts made to DatoCMS for this request, retries included.</summary>
    public int UpstreamAttempts { get; init; }
    public long DurationMs { get; init; }
    /// <summary>True when free-text fields were shortened to keep the record under the queue's message limit.</summary>
    public bool Truncated { get; init; }
    /// <summary>True on an outcome the reconciler wrote for an intent left without one (<see cref="AuditReconciler"/>); absent otherwise.</summary>
    public bool? Reconciled { get; init; }

    // Set on the archive's copy only, by the writer of its chain (ArchiveAuditSink): the chain is the blob the
    // record is in, seq its place there (from 1), prev_hash the SHA-256 of the previous line's bytes (zeros for seq 1).
    public string? Chain { get; init; }
    public long? Seq { get; init; }
    public string? PrevHash { get; init; }
}
