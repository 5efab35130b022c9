using AccessTokenGateway.DatoCms;

namespace AccessTokenGateway.Changes;

/// <summary>What one change asked of DatoCMS so far: attempts sent (retries included), the last status and request id.</summary>
public sealed record UpstreamLog(int Attempts, int? LastStatus, string? LastRequestId)
{
    public static readonly UpstreamLog None = new(0, null, null);

    public UpstreamLog Add(DatoCmsReply reply) =>
        new(Attempts + reply.Attempts, reply.Status ?? LastStatus, reply.RequestId ?? LastRequestId);
}
