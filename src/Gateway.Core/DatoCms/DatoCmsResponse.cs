using System.Text.Json.Nodes;
using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.DatoCms;

/// <summary>What DatoCMS answered to one call, after the client's own retries.</summary>
public sealed record DatoCmsResponse(int Status, string? RequestId, AccessTokenResource? Token, ApiError? Error, int Attempts, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => Status is >= 200 and < 300 && Token is not null;
}

/// <summary>DatoCMS could not be reached or answered something that is not the CMA's (an HTML page, a dropped connection).</summary>
public sealed class DatoCmsUnavailableException(string message, int attempts, Exception? inner = null) : Exception(message, inner)
{
    public int Attempts { get; } = attempts;
}
