using System.Net;
using Polly;
using Polly.Timeout;

namespace AccessTokenGateway.DatoCms;

/// <summary>What the retry and the circuit breaker treat as transient, and how long a 429 makes them wait.</summary>
internal sealed class DatoCmsResiliencePolicy(DatoCmsOptions options, TimeProvider time)
{
    public TimeProvider Time => time;

    /// <summary>Transient: dropped connections, time-outs, 5xx, errors DatoCMS marks <c>transient</c>, and a 429 that can be waited out within the call's deadline.</summary>
    public async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is not null)
            return outcome.Exception is HttpRequestException or TimeoutRejectedException or TimeoutException or IOException;
        if (outcome.Result is not { } response) return false;
        var status = (int)response.StatusCode;
        if (status == (int)HttpStatusCode.TooManyRequests) return RateLimitDelay(outcome) <= MayWait(response);
        if (status >= 500) return true;
        if (status >= 400)
        {
            // Only an error DatoCMS itself marks transient is worth another try; every other 4xx is final.
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return UpstreamError.TryRead(status, body) is { Transient: true };
        }
        return false;
    }

    /// <summary>On 429, DatoCMS's <c>X-RateLimit-Reset</c> (else <c>Retry-After</c>, else one window); elsewhere null, leaving the jittered back-off to decide.</summary>
    public TimeSpan? RateLimitDelay(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } r
            ? RateLimitHeaders.ResetDelay(r) ?? r.Headers.RetryAfter?.Delta ?? options.RateLimitWindow
            : null;

    /// <summary>An attempt the circuit breaker counts against DatoCMS's health. Our own pacing refusal is not one.</summary>
    public static bool IsFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } ex ? ex is not (RateLimitWaitTooLongException or OperationCanceledException) : outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError };

    private TimeSpan MayWait(HttpResponseMessage response)
    {
        var mayWait = options.MaxRateLimitWait;
        if (response.RequestMessage?.Options.TryGetValue(PacingHandler.DeadlineKey, out var deadline) == true)
        {
            var left = deadline - time.GetUtcNow();
            if (left < mayWait) mayWait = left;
        }
        return mayWait;
    }
}
