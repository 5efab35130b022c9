using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tokens;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// Talks to the CMA with exactly the headers DatoCMS documents for the update endpoint. The body of every <c>PUT</c> is built here from a
/// validated <see cref="TokenState"/>, never copied from the caller's bytes. Retries, time-outs and pacing are
/// handlers on the <see cref="HttpClient"/> (see <see cref="DatoCmsServiceCollectionExtensions"/>).
/// </summary>
public sealed class DatoCmsClient(HttpClient http, IOptions<DatoCmsOptions> options) : IDatoCmsClient
{
    internal static readonly MediaTypeHeaderValue JsonApiContentType = new("application/vnd.api+json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private readonly string? _environment = string.IsNullOrWhiteSpace(options.Value.Environment) ? null : options.Value.Environment;

    public Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Get, AccessTokenPath(id), bearerToken);
        return SendAsync(request, bearerToken, asDocument: false, cancellationToken);
    }

    public Task<DatoCmsReply> ReadDocumentAsync(string path, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Get, path, bearerToken);
        return SendAsync(request, bearerToken, asDocument: true, cancellationToken);
    }

    public Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Put, AccessTokenPath(id), bearerToken);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(TokenJson.UpdateDocument(id, state)));
        request.Content.Headers.ContentType = JsonApiContentType;
        return SendAsync(request, bearerToken, asDocument: false, cancellationToken);
    }

    private static string AccessTokenPath(string id) => "access_tokens/" + Uri.EscapeDataString(id);

    private HttpRequestMessage NewRequest(HttpMethod method, string path, string bearerToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        request.Headers.Accept.Add(AcceptJson);
        request.Headers.Add("X-Api-Version", "3");
        if (_environment is not null) request.Headers.Add("X-Environment", _environment);
        request.Options.Set(AttemptCounter.Key, new AttemptCounter());
        return request;
    }

    private async Task<DatoCmsReply> SendAsync(HttpRequestMessage request, string bearerToken, bool asDocument, CancellationToken cancellationToken)
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
                return new DatoCmsReply(DatoCmsReplyKind.RateLimited, AttemptCounter.Sent(request), "DatoCMS's rate limit outlasts this request's deadline.")
                    { Status = (int)HttpStatusCode.TooManyRequests, RetryAfter = ex.RetryAfter };
            }
            catch (Exception ex) when ((ex is HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                           or Polly.CircuitBreaker.BrokenCircuitException or OperationCanceledException)
                                       && !cancellationToken.IsCancellationRequested)
            {
                // A broken circuit sends nothing: the attempts are those actually made, and with none, DatoCMS saw nothing.
                var sent = AttemptCounter.Sent(request);
                return new DatoCmsReply(sent == 0 ? DatoCmsReplyKind.Failed : DatoCmsReplyKind.NoAnswer, sent, "DatoCMS could not be reached: " + ex.GetType().Name);
            }

            using (response)
            {
                return await ReadAsync(response, AttemptCounter.Of(request), bearerToken, asDocument, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<DatoCmsReply> ReadAsync(HttpResponseMessage response, int attempts, string bearerToken, bool asDocument, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        if (response.IsSuccessStatusCode)
        {
            JsonObject? document = null;
            try { document = JsonNode.Parse(body) as JsonObject; } catch (JsonException) { }
            if (asDocument)
                return document is not null && document["data"] is JsonObject or JsonArray
                    ? new DatoCmsReply(DatoCmsReplyKind.Ok, attempts, "ok") { Status = status, RequestId = requestId, Document = SecretAttributes.Nulled(document) }
                    : new DatoCmsReply(DatoCmsReplyKind.NoAnswer, attempts, $"DatoCMS answered {status} with a body that is not a JSON:API document.") { Status = status, RequestId = requestId };
            return (document is null ? null : AccessTokenResource.TryRead(document, bearerToken)) is { } token
                ? new DatoCmsReply(DatoCmsReplyKind.Ok, attempts, "ok") { Status = status, RequestId = requestId, Token = token }
                : new DatoCmsReply(DatoCmsReplyKind.NoAnswer, attempts, $"DatoCMS answered {status} with a body that is not an access_token document.") { Status = status, RequestId = requestId };
        }

        var error = UpstreamError.TryRead(status, body);
        var reply = new DatoCmsReply(DatoCmsReplyKind.Refused, attempts, $"DatoCMS answered {status}.")
            { Status = status, RequestId = requestId, Error = error, RetryAfter = RateLimitHeaders.ResetDelay(response) };
        return status switch
        {
            (int)HttpStatusCode.TooManyRequests when error is not null => reply with { Kind = DatoCmsReplyKind.RateLimited },
            (int)HttpStatusCode.Unauthorized => reply with { Kind = DatoCmsReplyKind.Unauthorized },
            // Not the CMA's own answer (a proxy's HTML page, an empty body): nothing in it can be trusted or passed on.
            >= 500 or (int)HttpStatusCode.TooManyRequests when error is null => reply with { Kind = DatoCmsReplyKind.Failed, Description = $"DatoCMS answered {status} without a CMA error document." },
            >= 500 => reply with { Kind = DatoCmsReplyKind.Failed, Description = "DatoCMS failed to process the request." },
            _ when error is { Transient: true } => reply with { Kind = DatoCmsReplyKind.Failed, Description = "DatoCMS reported a transient error." },
            _ when error is null => reply with { Error = new UpstreamError(status, "UPSTREAM_FAILURE", new JsonObject { ["message"] = $"DatoCMS answered {status} without a CMA error document." }, false) },
            _ => reply,
        };
    }
}
