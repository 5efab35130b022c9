using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.DatoCms;

/// <summary>Where the CMA is and how patiently to talk to it. Every setting is documented in docs/resilience.md.</summary>
public sealed class DatoCmsOptions
{
    public const string SectionName = "DatoCms";

    /// <summary>The CMA base URL; the simulator's locally.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://site-api.datocms.com");

    /// <summary>A sandbox environment, sent as <c>X-Environment</c>; empty for the primary environment.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,64}$")]
    public string? Environment { get; set; }

    /// <summary>Time allowed for one HTTP attempt (waiting for a pacing slot not included).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The call's deadline: time allowed for one call with all its attempts, back-offs and rate-limit waits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt for transient failures (5xx, time-outs, dropped connections, <c>transient</c> errors, 429).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off delay; later ones grow exponentially with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest single back-off delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a call waits on DatoCMS's rate limit, whether for a 429's <c>X-RateLimit-Reset</c> or for a pacing slot;
    /// longer (or past the call's deadline), the caller gets 429 with <c>Retry-After</c> at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>DatoCMS's rate-limit window (its headers give the limit per window, not the window itself).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Requests per window assumed until DatoCMS's first <c>X-RateLimit-Limit</c> says otherwise.</summary>
    [Range(1, 100_000)]
    public int RateLimitPerWindow { get; set; } = 60;

    /// <summary>Requests that may go at once after a quiet spell (one change is a GET and a PUT); beyond it, requests are spaced evenly.</summary>
    [Range(1, 1_000)]
    public int PacingBurst { get; set; } = 4;

    /// <summary>
    /// The largest <c>GET /access_tokens</c> answer read (DatoCMS answers every token of the project in one document). A
    /// larger one is not read: the changes waiting on it read their tokens one by one instead.
    /// </summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int MaxTokenListBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Share of failed attempts (5xx, time-outs, dropped connections) in the sampling period that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.8;

    /// <summary>Attempts needed in the sampling period before the circuit may open.</summary>
    [Range(2, 10_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once before one probe is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
