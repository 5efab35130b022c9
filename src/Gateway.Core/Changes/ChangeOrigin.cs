namespace AccessTokenGateway.Changes;

/// <summary>Where a change comes from and who sent it, as the adapter that received it established.</summary>
public sealed record ChangeOrigin(OriginKind Kind, CallerIdentity Caller)
{
    /// <summary>The audit record's <c>source</c>: <c>http</c> for callers, <c>queue</c> for events, <c>schedule</c> for the end of a grant.</summary>
    public string SourceName => Kind switch
    {
        OriginKind.Caller => "http",
        OriginKind.Event => "queue",
        _ => "schedule",
    };
}
