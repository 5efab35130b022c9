namespace AccessTokenGateway.DatoCms;

/// <summary>Thrown when honouring DatoCMS's rate limit would take longer than the call may wait.</summary>
public sealed class RateLimitWaitTooLongException(TimeSpan retryAfter) : Exception("DatoCMS's rate limit outlasts the deadline.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
