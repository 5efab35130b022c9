using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.DatoCms;

/// <summary>Where the CMA is and how patiently to talk to it.</summary>
public sealed class DatoCmsOptions
{
    public const string SectionName = "DatoCms";

    /// <summary>The CMA base URL; the simulator's locally.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://site-api.datocms.com");

    /// <summary>A sandbox environment, sent as <c>X-Environment</c>; empty for the primary environment.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,64}$")]
    public string? Environment { get; set; }

    /// <summary>Time allowed for one HTTP attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for one call with all its retries and rate-limit waits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt for transient failures (5xx, time-outs, dropped connections, <c>transient</c> errors, 429).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off delay; later ones grow exponentially with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a call waits out a 429's <c>X-RateLimit-Reset</c>; longer, the caller gets 429 with <c>Retry-After</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(6);
}
