using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Outcomes;

/// <summary>Everything but the <c>PUT</c>: validated, read, diffed and allowed by policy.</summary>
public sealed record DryRun(AccessTokenResource Current, TokenState WouldBecome, IReadOnlyList<FieldChange> Diff) : Outcome
{
    public override string Name => "dry_run";
}
