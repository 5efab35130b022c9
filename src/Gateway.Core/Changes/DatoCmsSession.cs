using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Secrets;

namespace AccessTokenGateway.Changes;

/// <summary>
/// DatoCMS for one change, with the CMA token read once from the vault: on 401 (the token was rotated) it reads the
/// vault again, once, and repeats the call. Replies count every attempt, the refused one included. With a
/// <see cref="ReadCoalescer"/>, its read may be served by a list shared with other changes; disposing it (or writing)
/// tells the coalescer this change has moved on.
/// </summary>
public sealed class DatoCmsSession : IDisposable
{
    private readonly IDatoCmsClient _client;
    private readonly ISecretSource _cmaToken;
    private readonly ReadCoalescer? _reads;
    private string _bearer;
    private bool _refreshed;
    private bool _readerPending;

    private DatoCmsSession(IDatoCmsClient client, ISecretSource cmaToken, ReadCoalescer? reads, string bearer) =>
        (_client, _cmaToken, _reads, _bearer) = (client, cmaToken, reads, bearer);

    /// <summary>Reads the CMA token; throws <see cref="Outcomes.DependencyUnavailableException"/> when the vault cannot give one.</summary>
    public static Task<DatoCmsSession> OpenAsync(IDatoCmsClient client, ISecretSource cmaToken, CancellationToken cancellationToken) =>
        OpenAsync(client, cmaToken, reads: null, cancellationToken);

    /// <inheritdoc cref="OpenAsync(IDatoCmsClient, ISecretSource, CancellationToken)"/>
    public static async Task<DatoCmsSession> OpenAsync(IDatoCmsClient client, ISecretSource cmaToken, ReadCoalescer? reads, CancellationToken cancellationToken) =>
        new(client, cmaToken, reads, await cmaToken.GetAsync(cancellationToken).ConfigureAwait(false));

    public Task<DatoCmsReply> ReadAsync(string tokenId, CancellationToken cancellationToken) =>
        CallAsync(_reads is null
            ? (bearer, ct) => _client.GetAccessTokenAsync(tokenId, bearer, ct)
            : async (bearer, ct) =>
            {
                var reply = await _reads.ReadAsync(tokenId, bearer, ct).ConfigureAwait(false);
                _readerPending = true;
                return reply;
            }, cancellationToken);

    /// <summary>A read route's <c>GET</c> of a CMA path: DatoCMS's document, its secrets nulled.</summary>
    public Task<DatoCmsReply> ReadDocumentAsync(string path, CancellationToken cancellationToken) =>
        CallAsync((bearer, ct) => _client.ReadDocumentAsync(path, bearer, ct), cancellationToken);

    public Task<DatoCmsReply> WriteAsync(string tokenId, Tokens.TokenState state, CancellationToken cancellationToken) =>
        CallAsync((bearer, ct) => _client.UpdateAccessTokenAsync(tokenId, state, bearer, ct), cancellationToken);

    public void Dispose() => MoveOn();

    private async Task<DatoCmsReply> CallAsync(Func<string, CancellationToken, Task<DatoCmsReply>> call, CancellationToken cancellationToken)
    {
        MoveOn();
        var reply = await call(_bearer, cancellationToken).ConfigureAwait(false);
        if (reply.Kind != DatoCmsReplyKind.Unauthorized || _refreshed) return reply;
        _refreshed = true;
        _bearer = await _cmaToken.RefreshAsync(_bearer, cancellationToken).ConfigureAwait(false);
        MoveOn();
        var again = await call(_bearer, cancellationToken).ConfigureAwait(false);
        return again with { Attempts = reply.Attempts + again.Attempts, RequestId = again.RequestId ?? reply.RequestId };
    }

    /// <summary>This change no longer holds up the coalescer's next list: it has gone on from the read it was served.</summary>
    private void MoveOn()
    {
        if (!_readerPending) return;
        _readerPending = false;
        _reads!.MovedOn();
    }
}
