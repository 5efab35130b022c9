using System.Net;
using AccessTokenGateway.JsonApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AccessTokenGateway.DatoCms;

public static class DatoCmsServiceCollectionExtensions
{
    /// <summary>
    /// The CMA client: a typed <see cref="HttpClient"/> behind a Polly pipeline — overall deadline, retries with
    /// jittered exponential back-off (429 waits <c>X-RateLimit-Reset</c>), a circuit breaker, a per-attempt time-out.
    /// </summary>
    public static IServiceCollection AddDatoCms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatoCmsOptions>()
            .Bind(configuration.GetSection(DatoCmsOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.BaseUrl.IsAbsoluteUri && o.BaseUrl.Scheme is "https" or "http", "DatoCms:BaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();

        services.AddHttpClient<IDatoCmsClient, DatoCmsClient>((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<DatoCmsOptions>>().Value;
                var baseUrl = options.BaseUrl.ToString();
                client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns every deadline
                client.DefaultRequestHeaders.UserAgent.ParseAdd("access-token-gateway/1.0");
            })
            .AddResilienceHandler("datocms", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<DatoCmsOptions>>().Value;
                builder.AddTimeout(options.TotalTimeout);
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    ShouldHandle = args => ShouldRetryAsync(args.Outcome, options),
                    // On 429 DatoCMS says how long to wait; elsewhere the jittered back-off decides.
                    DelayGenerator = args => ValueTask.FromResult(
                        args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } r ? RateLimitHeaders.ResetDelay(r) ?? options.RetryBaseDelay : (TimeSpan?)null),
                });
                builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    // A dead DatoCMS fails fast instead of tying up every request for the whole deadline.
                    FailureRatio = 0.8,
                    MinimumThroughput = 20,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(5),
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null || args.Outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError }),
                });
                builder.AddTimeout(options.AttemptTimeout);
            })
            .Services.AddTransient<AttemptCountingHandler>();
        // Added after the resilience handler, so it sits inside it and sees every attempt.
        services.AddHttpClient<IDatoCmsClient, DatoCmsClient>().AddHttpMessageHandler<AttemptCountingHandler>();
        return services;
    }

    /// <summary>Transient: dropped connections, time-outs, 5xx, errors DatoCMS marks <c>transient</c>, and a 429 that can be waited out.</summary>
    internal static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, DatoCmsOptions options)
    {
        if (outcome.Exception is not null)
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException or TimeoutException or IOException;
        if (outcome.Result is not { } response) return false;
        var status = (int)response.StatusCode;
        if (status == 429) return (RateLimitHeaders.ResetDelay(response) ?? TimeSpan.Zero) <= options.MaxRateLimitWait;
        if (status >= 500) return true;
        if (status is >= 400 and < 500)
        {
            // Only an error DatoCMS itself marks transient is worth another try; every other 4xx is final.
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            return ErrorDocument.TryRead(status, body) is { Transient: true };
        }
        return false;
    }
}
