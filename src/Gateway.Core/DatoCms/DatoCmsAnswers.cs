namespace AccessTokenGateway.DatoCms;

/// <summary>
/// When DatoCMS last answered this instance (any status below 500) and when an attempt last failed: recent traffic is
/// evidence of reachability, so the health check need not spend DatoCMS's rate limit on a probe while changes flow.
/// </summary>
public sealed class DatoCmsAnswers(TimeProvider time)
{
    private long _lastAnswerTicks = DateTimeOffset.MinValue.UtcTicks;
    private long _lastFailureTicks = DateTimeOffset.MinValue.UtcTicks;

    public void Answered() => Interlocked.Exchange(ref _lastAnswerTicks, time.GetUtcNow().UtcTicks);

    public void Failed() => Interlocked.Exchange(ref _lastFailureTicks, time.GetUtcNow().UtcTicks);

    /// <summary>DatoCMS answered within <paramref name="within"/> and no attempt has failed since.</summary>
    public bool AnsweredWithin(TimeSpan within)
    {
        var answer = Interlocked.Read(ref _lastAnswerTicks);
        return answer >= Interlocked.Read(ref _lastFailureTicks) && time.GetUtcNow().UtcTicks - answer <= within.Ticks;
    }
}
