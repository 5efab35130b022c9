using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.DatoCms;

/// <summary>The two CMA calls the gateway makes, with the bearer token it is handed. Answers are values, never exceptions.</summary>
public interface IDatoCmsClient
{
    Task<DatoCmsReply> GetAccessTokenAsync(string id, string bearerToken, CancellationToken cancellationToken);
    Task<DatoCmsReply> UpdateAccessTokenAsync(string id, TokenState state, string bearerToken, CancellationToken cancellationToken);
}
