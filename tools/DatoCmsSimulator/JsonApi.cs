using System.Buffers;
using System.Text.Json;

namespace DatoCmsSimulator;

/// <summary>One element of a DatoCMS error document.</summary>
internal sealed record ApiErrorItem(string Code, IReadOnlyDictionary<string, object?>? Details = null, bool Transient = false);

/// <summary>Writes DatoCMS JSON:API documents.</summary>
internal static class JsonApi
{
    public const string DocBaseUrl = "https://www.datocms.com/docs/content-management-api/errors#";

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            body(w);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] TokenDocument(AccessTokenState token) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("data");
        WriteToken(w, token);
        w.WriteEndObject();
    });

    public static byte[] TokenListDocument(IEnumerable<AccessTokenState> tokens) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("data");
        foreach (var t in tokens) WriteToken(w, t);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] RoleDocument(RoleState role) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("data");
        WriteRole(w, role);
        w.WriteEndObject();
    });

    public static byte[] RoleListDocument(IEnumerable<RoleState> roles) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("data");
        foreach (var r in roles) WriteRole(w, r);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static void WriteToken(Utf8JsonWriter w, AccessTokenState t)
    {
        w.WriteStartObject();
        w.WriteString("type", "access_token");
        w.WriteString("id", t.Id);
        w.WriteStartObject("attributes");
        w.WriteString("name", t.Name);
        WriteNullableString(w, "token", t.Token);
        WriteNullableString(w, "hardcoded_type", t.HardcodedType);
        w.WriteBoolean("can_access_cda", t.CanAccessCda);
        w.WriteBoolean("can_access_cda_preview", t.CanAccessCdaPreview);
        w.WriteBoolean("can_access_cma", t.CanAccessCma);
        w.WriteString("last_cma_access", t.LastCmaAccess);
        w.WriteString("last_cda_access", t.LastCdaAccess);
        w.WriteEndObject();
        w.WriteStartObject("relationships");
        w.WriteStartObject("role");
        if (t.RoleId is null)
        {
            w.WriteNull("data");
        }
        else
        {
            w.WriteStartObject("data");
            w.WriteString("type", "role");
            w.WriteString("id", t.RoleId);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteRole(Utf8JsonWriter w, RoleState r)
    {
        w.WriteStartObject();
        w.WriteString("type", "role");
        w.WriteString("id", r.Id);
        w.WriteStartObject("attributes");
        w.WriteString("name", r.Name);
        w.WriteBoolean("can_edit_site", r.CanEditSite);
        w.WriteBoolean("can_edit_schema", r.CanEditSchema);
        w.WriteBoolean("can_manage_users", r.CanManageUsers);
        w.WriteBoolean("can_manage_access_tokens", r.CanManageAccessTokens);
        w.WriteBoolean("can_manage_webhooks", r.CanManageWebhooks);
        w.WriteBoolean("can_manage_environments", r.CanManageEnvironments);
        w.WriteBoolean("can_access_audit_log", r.CanAccessAuditLog);
        w.WriteEndObject();
        w.WriteStartObject("relationships");
        w.WriteStartObject("inherits_permissions_from");
        w.WriteStartArray("data");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static byte[] ErrorDocument(IEnumerable<ApiErrorItem> errors) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("data");
        foreach (var e in errors)
        {
            w.WriteStartObject();
            w.WriteString("id", Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6]);
            w.WriteString("type", "api_error");
            w.WriteStartObject("attributes");
            w.WriteString("code", e.Code);
            if (e.Transient) w.WriteBoolean("transient", true);
            w.WriteString("doc_url", DocBaseUrl + e.Code);
            w.WritePropertyName("details");
            JsonSerializer.Serialize(w, e.Details ?? new Dictionary<string, object?>());
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}
