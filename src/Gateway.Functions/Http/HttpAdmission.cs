using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Validation;
using Microsoft.AspNetCore.Http;

namespace AccessTokenGateway.Functions.Http;

/// <summary>
/// HTTP admission: turns a request into a <see cref="ChangeRequest"/>, deciding what only HTTP knows: the body's size,
/// its content type, the sender's signature, the caller, the <c>X-Change-*</c> headers and <c>?dry_run</c>, the correlation
/// id. A request refused here still reaches the pipeline, marked not admitted, so its refusal is audited like any other.
/// </summary>
public sealed class HttpAdmission(IRequestAuthenticator authenticator)
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public async Task<ChangeRequest> AdmitAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await ReadBoundedAsync(request, cancellationToken);
        var caller = CallerIdentities.From(request);
        var admitted = new ChangeRequest
        {
            Origin = new ChangeOrigin(OriginKind.Caller, caller),
            TokenId = id,
            Document = body,
            Headers = Headers(request),
            CorrelationId = CorrelationId(request),
            // A malformed traceparent is ignored, as W3C Trace Context says: the change starts a trace of its own.
            TraceParent = GatewayActivity.ParseTraceParent(request.Headers["traceparent"].ToString(), request.Headers["tracestate"].ToString() is { Length: > 0 } state ? state : null),
        };
        if (tooLarge)
            return admitted with { NotAdmitted = Refused.Because(RefusalKind.TooLarge, ErrorCodes.RequestTooLarge, $"The body exceeds {ValidationLimits.MaxBodyBytes} bytes.") };

        var signature = request.Headers.TryGetValue(WebhookSignature.Header, out var signed) ? signed.ToString() : null;
        var authenticated = await authenticator.AuthenticateAsync(signature, Signed(request, body), caller, cancellationToken);
        if (authenticated.Stop is { } unauthenticated) return admitted with { NotAdmitted = unauthenticated };
        admitted = admitted with { Origin = new ChangeOrigin(OriginKind.Caller, authenticated.Value!) };

        return ContentTypes.Check(request.ContentType) is { } unreadable ? admitted with { NotAdmitted = unreadable } : admitted;
    }

    /// <summary>What a signature covers: every <c>X-Change-*</c> header, not only those the gateway reads today.</summary>
    private static SignedRequest Signed(HttpRequest request, ReadOnlyMemory<byte> body) => new(
        request.Method,
        (request.PathBase + request.Path).Value ?? "",
        request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
        request.Headers.Where(h => h.Key.StartsWith(SignedRequest.ChangeHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())).ToList(),
        body);

    private static ChangeHeaders Headers(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ChangeHeaders.All)
        {
            if (request.Headers.TryGetValue(name, out var value)) headers[name] = value.ToString();
        }
        return new ChangeHeaders(headers, request.Query.TryGetValue("dry_run", out var dryRun) ? dryRun.ToString() : null);
    }

    /// <summary>The caller's correlation id when it is a short, safe token; a fresh one otherwise.</summary>
    public static string CorrelationId(HttpRequest request) =>
        request.Headers.TryGetValue(CorrelationHeader, out var given) && given.Count == 1 && given[0] is { Length: > 0 and <= 64 } value
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? value
            : Guid.NewGuid().ToString("N");

    /// <summary>Reads at most <see cref="ValidationLimits.MaxBodyBytes"/>; a longer body is not read further.</summary>
    private static async Task<(ReadOnlyMemory<byte> Body, bool TooLarge)> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > ValidationLimits.MaxBodyBytes) return (ReadOnlyMemory<byte>.Empty, true);
        var buffer = new byte[ValidationLimits.MaxBodyBytes + 1];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0) break;
            total += read;
        }
        return total > ValidationLimits.MaxBodyBytes ? (ReadOnlyMemory<byte>.Empty, true) : (buffer.AsMemory(0, total), false);
    }
}
