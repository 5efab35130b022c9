using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Outcomes;

/// <summary>
/// DatoCMS answered, but not usably: 5xx, an error it marks transient, no usable answer (<c>UPSTREAM_FAILURE</c>, worth
/// another try), or a refusal of the gateway's own CMA token (<c>CMA_TOKEN_REJECTED</c>, <c>CMA_TOKEN_FORBIDDEN</c>): a
/// configuration fault that no retry mends, so it is not transient. Either way DatoCMS applied nothing.
/// </summary>
public sealed record UpstreamFailed(string Message, int? UpstreamStatus, string? UpstreamCode, string ErrorCode = ErrorCodes.UpstreamFailure) : Outcome
{
    public override string Name => "failed";
    public override string Code => ErrorCode;
    public override bool IsTransient => ErrorCode == ErrorCodes.UpstreamFailure;
}
