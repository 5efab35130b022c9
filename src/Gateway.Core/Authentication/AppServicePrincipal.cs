using System.Text;
using System.Text.Json;
using AccessTokenGateway.Changes;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// The caller as App Service Authentication (Easy Auth) describes it: <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON with
/// <c>auth_typ</c>, <c>name_typ</c> and <c>claims</c> [{<c>typ</c>, <c>val</c>}]) and <c>X-MS-CLIENT-PRINCIPAL-NAME</c>,
/// <c>-ID</c>, <c>-IDP</c>. Only the provider, the name and the object id are taken — never a token or another claim.
/// Whether to believe these headers at all is <see cref="CallerAuthenticationOptions.TrustAppServicePrincipal"/>.
/// </summary>
public static class AppServicePrincipal
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";
    public const string IdHeader = "X-MS-CLIENT-PRINCIPAL-ID";
    public const string IdpHeader = "X-MS-CLIENT-PRINCIPAL-IDP";

    private const int MaxEncodedLength = 16 * 1024;
    private const int MaxPartLength = 128;
    private static readonly string[] ObjectIdClaims = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];

    /// <summary><c>principal</c> with <c>&lt;idp&gt;:&lt;name&gt;</c> (or the object id when there is no name); null when the headers name no one.</summary>
    public static CallerIdentity? From(Func<string, string?> header)
    {
        var (authType, name, objectId) = Decode(header(PrincipalHeader));
        var idp = Clean(header(IdpHeader)) ?? authType;
        var who = Clean(header(NameHeader)) ?? name ?? Clean(header(IdHeader)) ?? objectId;
        return who is null ? null : new CallerIdentity(CallerKinds.Principal, $"{idp ?? "unknown"}:{who}");
    }

    private static (string? AuthType, string? Name, string? ObjectId) Decode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxEncodedLength) return default;
        try
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(encoded), new JsonDocumentOptions { MaxDepth = 8 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return default;
            var nameType = String(root, "name_typ");
            string? name = null, objectId = null;
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
            {
                foreach (var claim in claims.EnumerateArray())
                {
                    if (claim.ValueKind != JsonValueKind.Object || String(claim, "typ") is not { } type) continue;
                    if (type == nameType) name ??= Clean(String(claim, "val"));
                    if (ObjectIdClaims.Contains(type)) objectId ??= Clean(String(claim, "val"));
                }
            }
            return (Clean(String(root, "auth_typ")), name, objectId);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or DecoderFallbackException)
        {
            return default;
        }
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A part as it may be recorded: trimmed, bounded, printable; null when nothing is left.</summary>
    private static string? Clean(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.Length > MaxPartLength) trimmed = trimmed[..(char.IsHighSurrogate(trimmed[MaxPartLength - 1]) ? MaxPartLength - 1 : MaxPartLength)];
        return trimmed.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029') ? null : trimmed;
    }
}
