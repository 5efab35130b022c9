namespace AccessTokenGateway.Changes;

/// <summary>Where a change comes from and who sent it, as the adapter that received it established.</summary>
public sealed record ChangeOrigin(OriginKind Kind, CallerIdentity Caller)
{
    /// <summary>The audit record's <c>source</c>: <c>http</c> for callers, <c>queue</c> for events and the gateway's schedule.</summary>
    public string SourceName => Kind == OriginKind.Caller ? "http" : "queue";
}
