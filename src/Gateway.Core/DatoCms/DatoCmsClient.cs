using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.JsonApi;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.DatoCms;

/// <summary>The two CMA calls the gateway makes, with the bearer token it is handed.</summary>
public interface IDatoCmsClient
{
    Task<DatoCmsResponse> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken);
    Task<DatoCmsResponse> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken);
}

/// <summary>
/// Talks to the CMA with exactly the headers the seed lists. The body of every <c>PUT</c> is built here from a
/// validated <see cref="TokenState"/>, never copied from the caller's bytes. Retries, time-outs and pacing are
/// handlers on the <see cref="HttpClient"/> (see <see cref="DatoCmsServiceCollectionExtensions"/>).
/// </summary>
public sealed class DatoCmsClient(HttpClient http, IOptions<DatoCmsOptions> options) : IDatoCmsClient
{
    internal static readonly MediaTypeHeaderValue JsonApiContentType = new("application/vnd.api+json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private readonly string? _environment = string.IsNullOrWhiteSpace(options.Value.Environment) ? null : options.Value.Environment;

    public Task<DatoCmsResponse> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Get, id, bearerToken);
        return SendAsync(request, cancellationToken);
    }

    public Task<DatoCmsResponse> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Put, id, bearerToken);
        request.Content = new ByteArrayContent(BuildUpdateBody(id, state));
        request.Content.Headers.ContentType = JsonApiContentType;
        return SendAsync(request, cancellationToken);
    }

    /// <summary>The seed's update document for <paramref name="state"/>.</summary>
    public static byte[] BuildUpdateBody(string id, TokenState state)
    {
        var document = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["type"] = "access_token",
                ["id"] = id,
                ["attributes"] = new JsonObject
                {
                    ["name"] = state.Name,
                    ["can_access_cda"] = state.CanAccessCda,
                    ["can_access_cda_preview"] = state.CanAccessCdaPreview,
                    ["can_access_cma"] = state.CanAccessCma,
                },
                ["relationships"] = new JsonObject
                {
                    ["role"] = new JsonObject
                    {
                        ["data"] = state.RoleId is null ? null : new JsonObject { ["type"] = "role", ["id"] = state.RoleId },
                    },
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string id, string bearerToken)
    {
        var request = new HttpRequestMessage(method, "access_tokens/" + Uri.EscapeDataString(id));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        request.Headers.Accept.Add(AcceptJson);
        request.Headers.Add("X-Api-Version", "3");
        if (_environment is not null) request.Headers.Add("X-Environment", _environment);
        request.Options.Set(AttemptCounter.Key, new AttemptCounter());
        return request;
    }

    private async Task<DatoCmsResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (RateLimitWaitTooLongException ex)
            {
                // Thrown by the pacer (or past a 429 that could not be waited out): the call fails fast, as DatoCMS would.
                return new DatoCmsResponse(429, null, null, ApiError.WithMessage(429, ErrorCodes.RateLimitExceeded,
                    "DatoCMS's rate limit outlasts this request's deadline."), AttemptCounter.Sent(request), ex.RetryAfter);
            }
            catch (Exception ex) when ((ex is HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                           or Polly.CircuitBreaker.BrokenCircuitException or OperationCanceledException)
                                       && !cancellationToken.IsCancellationRequested)
            {
                // A broken circuit sends nothing: the attempts are those actually made.
                throw new DatoCmsUnavailableException("DatoCMS could not be reached: " + ex.GetType().Name, AttemptCounter.Sent(request), ex);
            }

            using (response)
            {
                return await ReadAsync(response, AttemptCounter.Of(request), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<DatoCmsResponse> ReadAsync(HttpResponseMessage response, int attempts, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var retryAfter = RateLimitHeaders.ResetDelay(response);

        if (response.IsSuccessStatusCode)
        {
            JsonObject? document = null;
            try { document = JsonNode.Parse(body) as JsonObject; } catch (JsonException) { }
            var token = document is null ? null : AccessTokenResource.TryRead(document);
            if (token is null)
                throw new DatoCmsUnavailableException($"DatoCMS answered {status} with a body that is not an access_token document.", attempts);
            return new DatoCmsResponse(status, requestId, token, null, attempts);
        }

        var error = ErrorDocument.TryRead(status, body);
        if (error is null)
        {
            // Not the CMA's own answer (a proxy's HTML page, an empty body): nothing in it can be trusted or passed on.
            if (status >= 500 || status == (int)HttpStatusCode.TooManyRequests)
                throw new DatoCmsUnavailableException($"DatoCMS answered {status} without a CMA error document.", attempts);
            error = ApiError.WithMessage(status, ErrorCodes.UpstreamFailure, $"DatoCMS answered {status} without a CMA error document.");
        }
        return new DatoCmsResponse(status, requestId, null, error, attempts, retryAfter);
    }
}

/// <summary>Counts the HTTP attempts the resilience pipeline makes for one call.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("AccessTokenGateway.Attempts");
    private int _count;
    public void Increment() => Interlocked.Increment(ref _count);
    public int Count => Volatile.Read(ref _count);
    public static int Of(HttpRequestMessage request) => Math.Max(1, Sent(request));
    /// <summary>Attempts that actually went to DatoCMS: none when the pacer or an open circuit refused the call.</summary>
    public static int Sent(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var c) ? c.Count : 0;
}

internal sealed class AttemptCountingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AttemptCounter.Key, out var counter)) counter.Increment();
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Thrown when honouring DatoCMS's rate limit would take longer than the call may wait.</summary>
public sealed class RateLimitWaitTooLongException(TimeSpan retryAfter) : Exception("DatoCMS's rate limit outlasts the deadline.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>DatoCMS's <c>X-RateLimit-*</c> headers.</summary>
public static class RateLimitHeaders
{
    /// <summary><c>X-RateLimit-Reset</c>: whole seconds until the next request may be made.</summary>
    public static TimeSpan? ResetDelay(HttpResponseMessage response) =>
        Int(response, "X-RateLimit-Reset") is { } s and >= 0 ? TimeSpan.FromSeconds(s) : null;

    public static int? Limit(HttpResponseMessage response) => Int(response, "X-RateLimit-Limit");
    public static int? Remaining(HttpResponseMessage response) => Int(response, "X-RateLimit-Remaining");

    private static int? Int(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), out var v) ? v : null;
}
