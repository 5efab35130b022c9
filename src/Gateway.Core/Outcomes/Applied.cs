using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Outcomes;

/// <summary>The <c>PUT</c> was sent and DatoCMS applied it; <paramref name="After"/> is what it answered.</summary>
public sealed record Applied(AccessTokenResource After, IReadOnlyList<FieldChange> Diff, DateTimeOffset? RevertAt) : Outcome
{
    public override string Name => "applied";
}
