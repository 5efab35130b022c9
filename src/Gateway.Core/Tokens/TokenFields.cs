namespace AccessTokenGateway.Tokens;

/// <summary>The names of a token's editable fields, as DatoCMS's attributes and the gateway's JSON forms spell them.</summary>
public static class TokenFields
{
    public const string Name = "name";
    public const string CanAccessCda = "can_access_cda";
    public const string CanAccessCdaPreview = "can_access_cda_preview";
    public const string CanAccessCma = "can_access_cma";
    /// <summary>The role, a relationship in DatoCMS's documents and <c>role_id</c> in the gateway's own.</summary>
    public const string RoleId = "role_id";

    /// <summary>The three access flags, as <c>data.attributes</c> members.</summary>
    public static readonly IReadOnlyList<string> Flags = [CanAccessCda, CanAccessCdaPreview, CanAccessCma];
}
