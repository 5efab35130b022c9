using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.DatoCms;

/// <summary>The CMA calls the gateway makes, with the bearer token it is handed. Answers are values, never exceptions.</summary>
public interface IDatoCmsClient
{
    Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken);
    /// <summary><c>GET /access_tokens</c>: every token of the project in one document, in <see cref="DatoCmsReply.Tokens"/>.</summary>
    Task<DatoCmsReply> ListAccessTokensAsync(string bearerToken, CancellationToken cancellationToken);
    Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken);
}
