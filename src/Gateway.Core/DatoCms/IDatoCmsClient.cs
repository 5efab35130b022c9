using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.DatoCms;

/// <summary>The CMA calls the gateway makes, with the bearer token it is handed. Answers are values, never exceptions.</summary>
public interface IDatoCmsClient
{
    Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken);
    Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET</c> of a CMA path (<c>access_tokens</c>, <c>roles/34</c>…) for the read routes: DatoCMS's JSON:API document in
    /// <see cref="DatoCmsReply.Document"/>, every <c>token</c> attribute already null.
    /// </summary>
    Task<DatoCmsReply> ReadDocumentAsync(string path, string bearerToken, CancellationToken cancellationToken);
}
