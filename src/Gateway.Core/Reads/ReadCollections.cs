namespace AccessTokenGateway.Reads;

/// <summary>The DatoCMS collections the gateway reads through, named as in the CMA's paths and the gateway's routes.</summary>
public static class ReadCollections
{
    public const string AccessTokens = "access_tokens";
    public const string Roles = "roles";
}
