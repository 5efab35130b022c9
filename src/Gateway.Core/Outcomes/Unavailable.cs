using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Outcomes;

/// <summary>A dependency could not be used now, so nothing was applied. <see cref="RetryAfter"/> says when to come back, if known.</summary>
public sealed record Unavailable(Dependency Which, string Message, TimeSpan? RetryAfter = null) : Outcome
{
    public override string Name => "failed";
    public override bool IsTransient => true;

    public override string Code => Which switch
    {
        Dependency.KeyVault => ErrorCodes.SecretUnavailable,
        Dependency.AuditTrail => ErrorCodes.AuditUnavailable,
        Dependency.TokenLock => ErrorCodes.TokenBusy,
        Dependency.RevertSchedule => ErrorCodes.RevertUnavailable,
        Dependency.ReplayStore => ErrorCodes.ReplayStoreUnavailable,
        Dependency.DatoCmsRateLimit => ErrorCodes.RateLimitExceeded,
        _ => throw new ArgumentOutOfRangeException(nameof(Which)),
    };

    public static Unavailable Of(DependencyUnavailableException unavailable) => new(unavailable.Dependency, unavailable.Message);
}
