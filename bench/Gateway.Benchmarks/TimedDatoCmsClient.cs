using AccessTokenGateway.Tokens;
using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;

namespace AccessTokenGateway.Benchmarks;

/// <summary>The gateway's own CMA client (resilience handlers, pacer and all), timed per call.</summary>
internal sealed class TimedDatoCmsClient(IDatoCmsClient inner) : IDatoCmsClient
{
    public Samples? Recording { get; set; }

    public Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.GetAccessTokenAsync(id, bearerToken, cancellationToken));

    public Task<DatoCmsReply> ListAccessTokensAsync(string bearerToken, IReadOnlySet<string>? only, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.ListAccessTokensAsync(bearerToken, only, cancellationToken));

    public Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.UpdateAccessTokenAsync(id, state, bearerToken, cancellationToken));

    public Task<DatoCmsReply> ReadDocumentAsync(string path, string bearerToken, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.ReadDocumentAsync(path, bearerToken, cancellationToken));

    private async Task<DatoCmsReply> TimeAsync(Func<Task<DatoCmsReply>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await call();
        Recording?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }
}
