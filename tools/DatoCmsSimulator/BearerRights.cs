namespace DatoCmsSimulator;

/// <summary>What a request's bearer token may do: reach the CMA at all, and manage API tokens (its role's permission).</summary>
internal sealed record BearerRights(bool CanAccessCma, bool MayManageAccessTokens);
