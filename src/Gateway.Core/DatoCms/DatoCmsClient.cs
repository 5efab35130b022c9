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
    private readonly int _maxListBytes = options.Value.MaxTokenListBytes;

    public Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Get, AccessTokenPath(id), bearerToken);
        return SendAsync(request, bearerToken, Expected.Token, cancellationToken);
    }

    public Task<DatoCmsReply> ReadDocumentAsync(string path, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Get, path, bearerToken);
        return SendAsync(request, bearerToken, Expected.Document, cancellationToken);
    }

    public Task<DatoCmsReply> ListAccessTokensAsync(string bearerToken, IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Get, "access_tokens", bearerToken);
        return SendAsync(request, bearerToken, Expected.List, cancellationToken, only);
    }

    public Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken)
    {
        var request = NewRequest(HttpMethod.Put, AccessTokenPath(id), bearerToken);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(TokenJson.UpdateDocument(id, state)));
        request.Content.Headers.ContentType = JsonApiContentType;
        return SendAsync(request, bearerToken, Expected.Token, cancellationToken);
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

    private async Task<DatoCmsReply> SendAsync(HttpRequestMessage request, string bearerToken, Expected expected, CancellationToken cancellationToken, IReadOnlySet<string>? only = null)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                // The list's body is read here, within its bound; a single token's is small and read by the client.
                var completion = expected == Expected.List ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
                response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
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
                try
                {
                    return await ReadAsync(response, AttemptCounter.Of(request), bearerToken, expected, only, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    // The connection broke while the list's body was being read.
                    return new DatoCmsReply(DatoCmsReplyKind.NoAnswer, AttemptCounter.Of(request), "DatoCMS's answer broke off: " + ex.GetType().Name);
                }
            }
        }
    }

    private async Task<DatoCmsReply> ReadAsync(HttpResponseMessage response, int attempts, string bearerToken, Expected expected, IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        if (expected == Expected.List && response.IsSuccessStatusCode)
        {
            var listBody = await ReadBoundedAsync(response.Content, _maxListBytes, cancellationToken).ConfigureAwait(false);
            var list = listBody is null ? null : AccessTokenList.TryRead(listBody, bearerToken, only);
            // A success without a usable list (too large, not a list, an id twice): Status says DatoCMS answered, Tokens is null.
            return list is { } read
                ? new DatoCmsReply(DatoCmsReplyKind.Ok, attempts, "ok") { Status = status, RequestId = requestId, Tokens = read.Tokens, ListedCount = read.Count }
                : new DatoCmsReply(DatoCmsReplyKind.NoAnswer, attempts, listBody is null
                    ? $"DatoCMS's token list is larger than DatoCms:MaxTokenListBytes ({_maxListBytes:N0} bytes)."
                    : $"DatoCMS answered {status} with a body that is not a list of access_token resources.") { Status = status, RequestId = requestId };
        }
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        if (response.IsSuccessStatusCode)
        {
            JsonObject? document = null;
            try { document = JsonNode.Parse(body) as JsonObject; } catch (JsonException) { }
            if (expected == Expected.Document)
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

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes (read no further than that).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > max) return null;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>What a successful answer must hold: one token, any JSON:API document (a read route's), or the token list.</summary>
    private enum Expected { Token, Document, List }
}
