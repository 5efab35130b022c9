using System.Net;
using AccessTokenGateway.JsonApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;
using Polly.Timeout;

namespace AccessTokenGateway.DatoCms;

public static class DatoCmsServiceCollectionExtensions
{
    /// <summary>
    /// The key of the <see cref="TimeProvider"/> that pacing, back-off and time-outs keep. It is DatoCMS's clock (the
    /// wall clock) and deliberately not the unkeyed <see cref="TimeProvider"/>: a test that fakes business time
    /// (expiry, replay windows) still talks to a DatoCMS whose rate-limit window runs on real time.
    /// </summary>
    public const string ClockKey = "DatoCms";

    /// <summary>
    /// The CMA client: a typed <see cref="HttpClient"/> whose handlers are, outermost first:
    /// span → deadline → retry (jittered exponential back-off; 429 waits <c>X-RateLimit-Reset</c>) → circuit breaker →
    /// pacer (one per instance) → per-attempt time-out → attempt counter → attempt metrics → pooled sockets.
    /// </summary>
    public static IServiceCollection AddDatoCms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatoCmsOptions>()
            .Bind(configuration.GetSection(DatoCmsOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.BaseUrl.IsAbsoluteUri && o.BaseUrl.Scheme is "https" or "http", "DatoCms:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => o.AttemptTimeout <= o.TotalTimeout, "DatoCms:AttemptTimeout must not exceed DatoCms:TotalTimeout.")
            .Validate(o => o.MaxRateLimitWait < o.TotalTimeout, "DatoCms:MaxRateLimitWait must be shorter than DatoCms:TotalTimeout.")
            .ValidateOnStart();

        services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        // Polly logs every attempt at Information: two lines per change on top of the pipeline's own. A plain success
        // is Debug here; retries, failures and breaker events keep their Warning and Error.
        services.Configure<TelemetryOptions>(o => o.SeverityProvider = args =>
            args.Event.EventName == "ExecutionAttempt" && args.Event.Severity == ResilienceEventSeverity.Information ? ResilienceEventSeverity.Debug : args.Event.Severity);
        services.TryAddSingleton(sp => new DatoCmsPacer(sp.GetRequiredService<IOptions<DatoCmsOptions>>().Value, sp.GetRequiredKeyedService<TimeProvider>(ClockKey)));
        services.TryAddSingleton<ReadCoalescer>();
        services.TryAddTransient<PacingHandler>();
        services.TryAddTransient<AttemptCountingHandler>();
        services.TryAddSingleton(sp => new DatoCmsAnswers(sp.GetRequiredKeyedService<TimeProvider>(ClockKey)));
        services.TryAddTransient<DatoCmsTelemetryHandler>();
        services.TryAddTransient<AttemptMetricsHandler>();

        var cma = services.AddHttpClient<IDatoCmsClient, DatoCmsClient>((sp, client) =>
        {
            var options = sp.GetRequiredService<IOptions<DatoCmsOptions>>().Value;
            var baseUrl = options.BaseUrl.ToString();
            client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns every deadline
            client.DefaultRequestHeaders.UserAgent.ParseAdd("access-token-gateway/1.0");
        })
        // One long-lived pool: connections are reused across calls (no TLS handshake per change) and recycled
        // every few minutes so DNS changes are seen. Pacer and circuit state are singletons, not in the handler.
        .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
        // The factory's per-request log lines and scopes (Information, filtered out by every host) cost on each call;
        // what matters is logged by Polly (retries, breaker) and by the pipeline (one line per change).
        .RemoveAllLoggers();

        // Handlers run in the order added, the first outermost: one span per call, around its retries.
        cma.AddHttpMessageHandler<DatoCmsTelemetryHandler>();
        cma.AddResilienceHandler("datocms", (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<DatoCmsOptions>>().Value;
            var policy = new DatoCmsResiliencePolicy(options, context.ServiceProvider.GetRequiredKeyedService<TimeProvider>(ClockKey));
            builder.TimeProvider = policy.Time;
            builder.AddTimeout(options.TotalTimeout);
            if (options.MaxRetries > 0) // Polly's retry needs at least one; none means no retry strategy at all
            {
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.RetryMaxDelay,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => policy.ShouldRetryAsync(args.Outcome),
                    DelayGenerator = args => ValueTask.FromResult(policy.RateLimitDelay(args.Outcome)),
                });
            }
            builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // A dead DatoCMS fails fast instead of tying up every request for the whole deadline.
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(DatoCmsResiliencePolicy.IsFailure(args.Outcome)),
            });
        });
        cma.AddHttpMessageHandler<PacingHandler>();
        cma.AddResilienceHandler("datocms-attempt", (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<DatoCmsOptions>>().Value;
            builder.TimeProvider = context.ServiceProvider.GetRequiredKeyedService<TimeProvider>(ClockKey);
            builder.AddTimeout(options.AttemptTimeout);
        });
        cma.AddHttpMessageHandler<AttemptCountingHandler>();
        cma.AddHttpMessageHandler<AttemptMetricsHandler>(); // each attempt that reached the network, by status
        return services;
    }
}
