using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.DatoCms;

/// <summary>The CMA calls the gateway makes, with the bearer token it is handed. Answers are values, never exceptions.</summary>
public interface IDatoCmsClient
{
    Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken);
    /// <summary><c>GET /access_tokens</c>: every token of the project, by id, in <see cref="DatoCmsReply.Tokens"/>.</summary>
    Task<DatoCmsReply> ListAccessTokensAsync(string bearerToken, CancellationToken cancellationToken) =>
        ListAccessTokensAsync(bearerToken, only: null, cancellationToken);

    /// <summary>
    /// <c>GET /access_tokens</c>, keeping only the tokens in <paramref name="only"/> (DatoCMS answers every token of the
    /// project; the others are walked past, never built). <see cref="DatoCmsReply.ListedCount"/> says how many it held.
    /// </summary>
    Task<DatoCmsReply> ListAccessTokensAsync(string bearerToken, IReadOnlySet<string>? only, CancellationToken cancellationToken);

    Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET</c> of a CMA path (<c>access_tokens</c>, <c>roles/34</c>…) for the read routes: DatoCMS's JSON:API document in
    /// <see cref="DatoCmsReply.Document"/>, every <c>token</c> attribute already null.
    /// </summary>
    Task<DatoCmsReply> ReadDocumentAsync(string path, string bearerToken, CancellationToken cancellationToken);
}
