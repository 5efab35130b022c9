using AccessTokenGateway.DatoCms;

namespace AccessTokenGateway.Outcomes;

/// <summary>DatoCMS itself refused the change for good (its own 4xx): its status and error document pass through.</summary>
public sealed record RefusedByDatoCms(UpstreamError Error) : Outcome
{
    public override string Name => "rejected";
    public override string Code => Error.Code;
}
