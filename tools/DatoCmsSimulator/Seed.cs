using System.Security.Cryptography;
using System.Text;

namespace DatoCmsSimulator;

/// <summary>Deterministic seed data, restored by <see cref="SimulatorState.Reset"/>.</summary>
public static class Seed
{
    /// <summary>Editable token (the seed page's example id), role Editor.</summary>
    public const string EditableTokenId = "312";
    public const string SecondEditableTokenId = "313";
    /// <summary>Built-in read-only token: hardcoded_type "readonly", role null (as DatoCMS's built-in tokens may have).</summary>
    public const string ReadOnlyBuiltInTokenId = "100";
    /// <summary>Built-in full-access token: hardcoded_type "admin", role Admin.</summary>
    public const string AdminBuiltInTokenId = "101";
    /// <summary>
    /// The gateway's own CMA token as DatoCMS holds it: an access-token record (role Admin, which may manage API tokens)
    /// whose secret is the simulator's default bearer, so a test can revoke or demote it like any token.
    /// </summary>
    public const string GatewayTokenId = "200";
    public const string GatewayBearer = "sim-cma-token";
    public const string EditorRoleId = "34";
    public const string AdminRoleId = "35";
    public const string ViewerRoleId = "36";

    /// <summary>Editable tokens "400".."419" (role Viewer) for bulk tests and benchmarks.</summary>
    public const int BulkTokenFirstId = 400;
    public const int BulkTokenCount = 20;

    public static IReadOnlyList<string> BulkTokenIds { get; } =
        [.. Enumerable.Range(BulkTokenFirstId, BulkTokenCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public static IReadOnlyList<string> EditableTokenIds { get; } = [EditableTokenId, SecondEditableTokenId, .. BulkTokenIds];

    public static IReadOnlyList<RoleState> Roles() =>
    [
        new(EditorRoleId, "Editor", CanEditSite: false, CanEditSchema: false, CanManageUsers: false, CanManageAccessTokens: false, CanManageWebhooks: false, CanManageEnvironments: false, CanAccessAuditLog: false),
        new(AdminRoleId, "Admin", CanEditSite: true, CanEditSchema: true, CanManageUsers: true, CanManageAccessTokens: true, CanManageWebhooks: true, CanManageEnvironments: true, CanAccessAuditLog: true),
        new(ViewerRoleId, "Viewer", CanEditSite: false, CanEditSchema: false, CanManageUsers: false, CanManageAccessTokens: false, CanManageWebhooks: false, CanManageEnvironments: false, CanAccessAuditLog: false),
    ];

    public static IReadOnlyList<AccessTokenState> Tokens()
    {
        var list = new List<AccessTokenState>
        {
            new(ReadOnlyBuiltInTokenId, "Read-only API token (built-in)", SecretFor(ReadOnlyBuiltInTokenId), "readonly", true, false, false, null, "never", "today"),
            new(AdminBuiltInTokenId, "Full-access API token (built-in)", SecretFor(AdminBuiltInTokenId), "admin", true, true, true, AdminRoleId, "today", "this_week"),
            new(EditableTokenId, "Read-only API token", SecretFor(EditableTokenId), null, true, false, false, EditorRoleId, "this_week", "today"),
            new(SecondEditableTokenId, "Preview API token", SecretFor(SecondEditableTokenId), null, true, true, false, EditorRoleId, "never", "yesterday"),
            new(GatewayTokenId, "Access Token Gateway", GatewayBearer, null, false, false, true, AdminRoleId, "today", "never"),
        };
        for (var i = 0; i < BulkTokenCount; i++)
        {
            var id = BulkTokenIds[i];
            list.Add(new(id, $"Bulk token {i:00}", SecretFor(id), null, true, false, false, ViewerRoleId));
        }
        return list;
    }

    /// <summary>A deterministic, random-looking 40-hex-char secret per token id (distinct per id).</summary>
    public static string SecretFor(string id)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("dato-sim-secret:" + id));
        return Convert.ToHexStringLower(hash)[..40];
    }
}
