using AccessTokenGateway.Changes;
using AccessTokenGateway.Validation;
using Microsoft.AspNetCore.Http;

namespace AccessTokenGateway.Functions.Http;

/// <summary>Turns an HTTP request into a <see cref="ChangeSubmission"/>; interprets nothing the core checks.</summary>
public static class HttpSubmission
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static async Task<ChangeSubmission> ReadAsync(HttpRequest request, string id, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await ReadBoundedAsync(request, cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ChangeHeaders.All)
        {
            if (request.Headers.TryGetValue(name, out var value)) headers[name] = value.ToString();
        }
        return new ChangeSubmission
        {
            Source = ChangeSource.Http,
            TokenId = id,
            Body = body,
            BodyTooLarge = tooLarge,
            ContentType = request.ContentType,
            Headers = new ChangeHeaders(headers, request.Query.TryGetValue("dry_run", out var dryRun) ? dryRun.ToString() : null),
            Caller = caller,
            Signature = request.Headers.TryGetValue("X-Signature", out var signature) ? signature.ToString() : null,
            CorrelationId = CorrelationId(request),
        };
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
