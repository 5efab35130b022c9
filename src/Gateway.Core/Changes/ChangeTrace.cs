using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Changes;

/// <summary>
/// What the pipeline has established about one change, immutable: each step returns a new trace with what it
/// learnt (the validated document, the token as read, the diff, DatoCMS's answers). The audit records are built
/// from it and the outcome.
/// </summary>
public sealed record ChangeTrace(string AuditId, ChangeRequest Request, long StartedTimestamp)
{
    public ChangeDocument? Change { get; init; }
    /// <summary>The token as DatoCMS described it before the change.</summary>
    public AccessTokenResource? Current { get; init; }
    public IReadOnlyList<FieldChange> Diff { get; init; } = [];
    public UpstreamLog Upstream { get; init; } = UpstreamLog.None;
    /// <summary>What the change does to the grant registry (the grants it makes and ends).</summary>
    public Grants.GrantPlan Grants { get; init; } = AccessTokenGateway.Grants.GrantPlan.None;

    public ChangeTrace Including(DatoCmsReply reply) => this with { Upstream = Upstream.Add(reply) };

    /// <summary>The change ends here, with <paramref name="outcome"/>.</summary>
    public Decision Ends(Outcome outcome) => new(this, outcome);

    /// <summary>Nothing is decided yet: the next step goes on from this trace.</summary>
    public Decision GoesOn() => new(this, null);
}
