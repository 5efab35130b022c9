using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Outcomes;

/// <summary>DatoCMS answered, but not usably (5xx, an error it marks transient, a refusal of the gateway's own CMA token).</summary>
public sealed record UpstreamFailed(string Message, int? UpstreamStatus, string? UpstreamCode) : Outcome
{
    public override string Name => "failed";
    public override string Code => ErrorCodes.UpstreamFailure;
    public override bool IsTransient => true;
}
