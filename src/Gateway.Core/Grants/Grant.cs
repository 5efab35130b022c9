namespace AccessTokenGateway.Grants;

/// <summary>
/// One field of one token held by a time-bound grant: the state of record the revert is authorised by. Values are
/// the audit record's text form (<c>true</c>/<c>false</c> for flags, the role id for the role). <see cref="Version"/>
/// is the registry's ETag, so an update or removal never overwrites what another instance wrote meanwhile.
/// </summary>
public sealed record Grant(
    string TokenId,
    string Field,
    string? GrantedValue,
    string? ValueBefore,
    DateTimeOffset ExpiresAt,
    string GrantId,
    string? RequestedBy,
    string? ApprovedBy,
    string? Ticket,
    DateTimeOffset GrantedAt)
{
    /// <summary>When the registry first reported this grant overdue (a critical log line and a <c>revert_overdue</c> record).</summary>
    public DateTimeOffset? OverdueReportedAt { get; init; }

    /// <summary>The registry's version of the row; null for a grant not yet written.</summary>
    public string? Version { get; init; }

    public bool IsDue(DateTimeOffset now) => ExpiresAt <= now;
}
