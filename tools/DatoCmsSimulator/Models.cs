namespace DatoCmsSimulator;

/// <summary>One request the simulator received (admin endpoints excluded). Status is what was sent, 0 when the connection was dropped.</summary>
/// <param name="QueryString">The query string without the leading '?', or null when there was none.</param>
/// <param name="Headers">Header name (case-insensitive) to value; repeated values joined with ", ".</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string? QueryString,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int Status,
    DateTimeOffset ReceivedAt);

/// <summary>The simulator's state of one DatoCMS API token (<c>access_token</c> resource).</summary>
/// <param name="Token">The secret bearer value (DatoCMS's <c>token</c> attribute).</param>
/// <param name="HardcodedType">null (or "") for editable tokens, e.g. "readonly"/"admin" for built-in ones.</param>
public sealed record AccessTokenState(
    string Id,
    string Name,
    string? Token,
    string? HardcodedType,
    bool CanAccessCda,
    bool CanAccessCdaPreview,
    bool CanAccessCma,
    string? RoleId,
    string LastCmaAccess = "never",
    string LastCdaAccess = "never")
{
    /// <summary>DatoCMS refuses attribute updates of built-in tokens; "" counts as editable (seen on the seed page).</summary>
    public bool IsEditable => string.IsNullOrEmpty(HardcodedType);
}

/// <summary>A DatoCMS role (<c>role</c> resource), read-only in the simulator.</summary>
public sealed record RoleState(
    string Id,
    string Name,
    bool CanEditSite,
    bool CanEditSchema,
    bool CanManageUsers,
    bool CanManageAccessTokens,
    bool CanManageWebhooks,
    bool CanManageEnvironments,
    bool CanAccessAuditLog);
