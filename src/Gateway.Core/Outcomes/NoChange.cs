using AccessTokenGateway.DatoCms;

namespace AccessTokenGateway.Outcomes;

/// <summary>The token already was in the requested state: nothing was sent.</summary>
public sealed record NoChange(AccessTokenResource Current) : Outcome
{
    public override string Name => "no_change";
}
