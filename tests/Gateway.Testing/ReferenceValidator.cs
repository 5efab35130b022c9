using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// The rules for a change request, written out plainly from the specification (SPEC.md and the seed's
/// <c>PUT /access_tokens/:id</c>) and independently of the gateway's validator, to compare verdicts with it:
/// null for accepted, else the status a refusal must have. 400: not exactly one well-formed UTF-8 JSON object
/// (invalid UTF-8, a parse error, nesting deeper than 8, a duplicate member, an escape that is not Unicode text);
/// 422: an id that is not a DatoCMS id, or a document that breaks a rule; over HTTP first 413 (over 64 KiB) and
/// 415 (not JSON:API or JSON in UTF-8).
/// </summary>
public static partial class ReferenceValidator
{
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly string[] Flags = ["can_access_cda", "can_access_cda_preview", "can_access_cma"];

    public static int? Http(byte[] body, string routeId, string? contentType, DateTimeOffset now)
    {
        if (body.Length > MaxBodyBytes) return 413;
        if (!IsAcceptedContentType(contentType)) return 415;
        return Document(body, routeId, now);
    }

    public static int? Document(byte[] body, string routeId, DateTimeOffset now)
    {
        string text;
        try { text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body); }
        catch (DecoderFallbackException) { return 400; }

        JsonDocument document;
        try { document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException) { return 400; }

        using (document)
        {
            var root = document.RootElement;
            if (Depth(root) > 8 || !WellFormed(root)) return 400;
            if (!IsId(routeId)) return 422;
            if (root.ValueKind != JsonValueKind.Object) return 400;
            return ResourceIsValid(root, routeId) && MetaIsValid(root, now) ? null : 422;
        }
    }

    private static bool IsAcceptedContentType(string? contentType)
    {
        if (contentType is null) return false;
        var parts = contentType.Split(';');
        var type = parts[0].Trim().ToLowerInvariant();
        if (type is not ("application/vnd.api+json" or "application/json")) return false;
        foreach (var parameter in parts.Skip(1))
        {
            var pair = parameter.Split('=', 2);
            if (pair.Length != 2 || !pair[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)) return false;
            if (!pair[1].Trim().Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>Containers nested: a scalar is 0, an object of scalars 1.</summary>
    private static int Depth(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => 1 + element.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + element.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>No object has two members of one name, and every string and name is Unicode text (no unpaired surrogate).</summary>
    private static bool WellFormed(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return IsUnicode(element.GetString()!);
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(WellFormed);
                case JsonValueKind.Object:
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var member in element.EnumerateObject())
                    {
                        if (!IsUnicode(member.Name) || !names.Add(member.Name) || !WellFormed(member.Value)) return false;
                    }
                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false; // the escape does not decode to text
        }
    }

    private static bool IsUnicode(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    private static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    private static bool HasOnly(JsonElement obj, params string[] names) => obj.EnumerateObject().All(p => names.Contains(p.Name));

    private static bool Is(JsonElement obj, string name, JsonValueKind kind, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind == kind;

    private static bool IsBoolean(JsonElement value) => value.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static bool IsCleanText(string text) => !text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));

    private static bool ResourceIsValid(JsonElement root, string routeId)
    {
        if (!HasOnly(root, "data", "meta")) return false;
        if (!Is(root, "data", JsonValueKind.Object, out var data) || !HasOnly(data, "type", "id", "attributes", "relationships", "meta")) return false;
        if (!Is(data, "type", JsonValueKind.String, out var type) || type.GetString() != "access_token") return false;
        if (!Is(data, "id", JsonValueKind.String, out var id) || id.GetString() != routeId) return false;

        // Every attribute and the role may be left out (kept as they are); what is given must be exactly right.
        if (data.TryGetProperty("attributes", out var attributes))
        {
            if (attributes.ValueKind != JsonValueKind.Object || !HasOnly(attributes, ["name", .. Flags])) return false;
            if (attributes.TryGetProperty("name", out var nameElement))
            {
                if (nameElement.ValueKind != JsonValueKind.String) return false;
                var name = nameElement.GetString()!;
                if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || !IsCleanText(name)) return false;
            }
            if (!Flags.All(f => !attributes.TryGetProperty(f, out var flag) || IsBoolean(flag))) return false;
        }

        return !data.TryGetProperty("relationships", out _)
            || Is(data, "relationships", JsonValueKind.Object, out var relationships) && HasOnly(relationships, "role")
            && Is(relationships, "role", JsonValueKind.Object, out var role) && HasOnly(role, "data")
            && Is(role, "data", JsonValueKind.Object, out var linkage) && HasOnly(linkage, "type", "id")
            && Is(linkage, "type", JsonValueKind.String, out var roleType) && roleType.GetString() == "role"
            && Is(linkage, "id", JsonValueKind.String, out var roleId) && IsId(roleId.GetString());
    }

    private static bool MetaIsValid(JsonElement root, DateTimeOffset now)
    {
        // The metadata may come as data.meta (as DatoCMS's client sends it), as top-level meta, or both when they are equal.
        var hasTop = root.TryGetProperty("meta", out var meta);
        if (root.GetProperty("data").TryGetProperty("meta", out var inData))
        {
            if (hasTop && !JsonElement.DeepEquals(meta, inData)) return false;
            meta = inData;
        }
        else if (!hasTop) return true;
        if (meta.ValueKind != JsonValueKind.Object) return false;
        if (!HasOnly(meta, "requested_by", "approved_by", "reason", "ticket", "dry_run", "expected", "expires_at")) return false;

        foreach (var member in meta.EnumerateObject())
        {
            var value = member.Value;
            if (value.ValueKind == JsonValueKind.Null) continue; // null is the same as absent
            var valid = member.Name switch
            {
                // The look-alike rules themselves are PersonNames' own table, tested case by case in PersonNamesTests.
                "requested_by" or "approved_by" => IsText(value, 256) && (string.IsNullOrWhiteSpace(value.GetString()) || AccessTokenGateway.Validation.PersonNames.Normalise(value.GetString()!.Trim()).Problem is null),
                "reason" => IsText(value, 2000),
                "ticket" => IsText(value, 128),
                "dry_run" => IsBoolean(value),
                "expected" => IsExpectedState(value),
                "expires_at" => IsExpiry(value, now),
                _ => false,
            };
            if (!valid) return false;
        }
        return true;
    }

    private static bool IsText(JsonElement value, int maxLength) =>
        value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= maxLength && IsCleanText(value.GetString()!);

    /// <summary>The state the approver saw: exactly name, the three flags and role_id (an id, or null).</summary>
    private static bool IsExpectedState(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && HasOnly(value, ["name", "role_id", .. Flags])
        && Is(value, "name", JsonValueKind.String, out var name) && name.GetString()!.Length <= 255
        && value.TryGetProperty("role_id", out var role) && (role.ValueKind == JsonValueKind.Null || role.ValueKind == JsonValueKind.String && IsId(role.GetString()))
        && Flags.All(f => value.TryGetProperty(f, out var flag) && IsBoolean(flag));

    /// <summary>An RFC 3339 date-time with an offset, in the future, at most 366 days ahead (policy bounds grants further).</summary>
    private static bool IsExpiry(JsonElement value, DateTimeOffset now)
    {
        if (value.ValueKind != JsonValueKind.String || !ExpiryPattern().IsMatch(value.GetString()!)) return false;
        if (!DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return false;
        // The validator's own bound; how far ahead a grant may really end is policy (Policy:MaxGrantDuration).
        return at > now && at - now <= TimeSpan.FromDays(366);
    }

    // A token or role id in its one spelling: decimal, no leading zero.
    [GeneratedRegex(@"^[1-9][0-9]{0,17}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex ExpiryPattern();
}
