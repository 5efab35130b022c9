using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Secrets;

namespace AccessTokenGateway.Changes;

/// <summary>
/// DatoCMS for one change, with the CMA token read once from the vault: on 401 (the token was rotated) it reads the
/// vault again, once, and repeats the call. Replies count every attempt, the refused one included.
/// </summary>
public sealed class DatoCmsSession
{
    private readonly IDatoCmsClient _client;
    private readonly ISecretSource _cmaToken;
    private string _bearer;
    private bool _refreshed;

    private DatoCmsSession(IDatoCmsClient client, ISecretSource cmaToken, string bearer) => (_client, _cmaToken, _bearer) = (client, cmaToken, bearer);

    /// <summary>Reads the CMA token; throws <see cref="Outcomes.DependencyUnavailableException"/> when the vault cannot give one.</summary>
    public static async Task<DatoCmsSession> OpenAsync(IDatoCmsClient client, ISecretSource cmaToken, CancellationToken cancellationToken) =>
        new(client, cmaToken, await cmaToken.GetAsync(cancellationToken).ConfigureAwait(false));

    public Task<DatoCmsReply> ReadAsync(string tokenId, CancellationToken cancellationToken) =>
        CallAsync((bearer, ct) => _client.GetAccessTokenAsync(tokenId, bearer, ct), cancellationToken);

    /// <summary>A read route's <c>GET</c> of a CMA path: DatoCMS's document, its secrets nulled.</summary>
    public Task<DatoCmsReply> ReadDocumentAsync(string path, CancellationToken cancellationToken) =>
        CallAsync((bearer, ct) => _client.ReadDocumentAsync(path, bearer, ct), cancellationToken);

    public Task<DatoCmsReply> WriteAsync(string tokenId, Tokens.TokenState state, CancellationToken cancellationToken) =>
        CallAsync((bearer, ct) => _client.UpdateAccessTokenAsync(tokenId, state, bearer, ct), cancellationToken);

    private async Task<DatoCmsReply> CallAsync(Func<string, CancellationToken, Task<DatoCmsReply>> call, CancellationToken cancellationToken)
    {
        var reply = await call(_bearer, cancellationToken).ConfigureAwait(false);
        if (reply.Kind != DatoCmsReplyKind.Unauthorized || _refreshed) return reply;
        _refreshed = true;
        _bearer = await _cmaToken.RefreshAsync(_bearer, cancellationToken).ConfigureAwait(false);
        var again = await call(_bearer, cancellationToken).ConfigureAwait(false);
        return again with { Attempts = reply.Attempts + again.Attempts, RequestId = again.RequestId ?? reply.RequestId };
    }
}
