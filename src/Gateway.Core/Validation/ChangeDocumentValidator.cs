using System.Text.Json;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Validation;

/// <summary>
/// Validates a change request against the CMA contract for <c>PUT /access_tokens/:id</c> (DatoCMS's "Update an API token") and
/// the gateway's own <c>meta</c>. The rule is strict: every member is known, every value has its exact JSON
/// type, and anything the gateway cannot understand exactly is refused rather than guessed at.
/// </summary>
public static class ChangeDocumentValidator
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        MaxDepth = ValidationLimits.MaxJsonDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        // Two values for one member would let a caller show the approver one value and send another.
        AllowDuplicateProperties = false,
    };

    private static readonly string[] ReadOnlyAttributes = ["token", "hardcoded_type", "last_cma_access", "last_cda_access"];
    private static readonly IReadOnlyList<string> Flags = TokenFields.Flags;

    public static Step<ChangeDocument> Validate(ReadOnlyMemory<byte> body, string routeId, ChangeHeaders headers, DateTimeOffset now)
    {
        // JsonDocument checks the structure but leaves invalid UTF-8 inside strings to fail later, when read.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            return Refused.Because(RefusalKind.Malformed, ErrorCodes.InvalidJsonBody, "The body is not valid UTF-8.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, ParseOptions);
            // Valid UTF-8 may still escape half a surrogate pair ("\ud800"): no text, and reading it would throw.
            if (!TextRules.AllStringsDecode(document.RootElement))
            {
                document.Dispose();
                throw new JsonException("A string escapes an unpaired surrogate.");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException) // the duplicate check decodes member names
        {
            return Refused.Because(RefusalKind.Malformed, ErrorCodes.InvalidJsonBody, "The body is not a single well-formed UTF-8 JSON document (duplicate members and nesting deeper than " + ValidationLimits.MaxJsonDepth + " are refused).");
        }

        using (document)
        {
            // Before policy and the token's lock, which compare ids as text: one spelling per token.
            if (!Ids.IsCanonical(routeId))
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "id", "VALIDATION_FORMAT", "The token id must be a DatoCMS id in its one spelling: decimal digits without sign, space or leading zero.");
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Refused.Because(RefusalKind.Malformed, ErrorCodes.InvalidJsonBody, "The body must be a JSON object.");
            if (FirstUnknown(root, "data", "meta") is { } unknownTop)
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, unknownTop, "VALIDATION_UNKNOWN_MEMBER");
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "data", "VALIDATION_REQUIRED", "data must be a resource object.");

            var resource = ValidateResource(data, routeId);
            if (resource.Stop is { } invalid) return new(null, invalid);

            var metaElement = root.TryGetProperty("meta", out var m) ? m : (JsonElement?)null;
            // DatoCMS's client sends metadata as data.meta; a request carrying both says one thing twice, or two things.
            if (data.TryGetProperty("meta", out var dataMeta))
            {
                if (metaElement is { } top && !JsonElement.DeepEquals(top, dataMeta))
                    return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidMeta, "data.meta", "VALIDATION_CONFLICT", "data.meta and the top-level meta disagree: send the change metadata once, or the same in both.");
                metaElement = dataMeta;
            }
            var meta = MetadataReader.Read(metaElement, headers, now);
            if (meta.Stop is { } invalidMeta) return new(null, invalidMeta);

            return new ChangeDocument(routeId, resource.Value!, meta.Value!);
        }
    }

    private static Step<TokenPatch> ValidateResource(JsonElement data, string routeId)
    {
        if (FirstUnknown(data, "type", "id", "attributes", "relationships", "meta") is { } unknown)
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "data." + unknown, "VALIDATION_UNKNOWN_MEMBER");

        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "access_token")
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidType, "type", "VALIDATION_INVALID", "data.type must be exactly \"access_token\".");

        if (!data.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "id", "VALIDATION_REQUIRED", "data.id must be the token's id as a string.");
        if (!string.Equals(id.GetString(), routeId, StringComparison.Ordinal))
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "id", "VALIDATION_MISMATCH", "data.id must equal the id in the URL.");

        // Every attribute may be left out (the gateway keeps its current value); what is there is checked as strictly as ever.
        var hasAttributes = data.TryGetProperty("attributes", out var attributes);
        if (hasAttributes && attributes.ValueKind != JsonValueKind.Object)
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidAttributes, "attributes", "VALIDATION_INVALID", "data.attributes must be an object.");

        if (hasAttributes)
        {
            foreach (var member in attributes.EnumerateObject())
            {
                if (ReadOnlyAttributes.Contains(member.Name))
                    return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidAttributes, member.Name, "VALIDATION_READ_ONLY", "This attribute cannot be set through an update.");
                if (member.Name != "name" && !Flags.Contains(member.Name))
                    return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidAttributes, Printable(member.Name), "VALIDATION_UNKNOWN_MEMBER");
            }
        }

        string? name = null;
        if (hasAttributes && attributes.TryGetProperty("name", out var nameElement))
        {
            if (nameElement.ValueKind != JsonValueKind.String)
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "name", "VALIDATION_INVALID", "name must be a string.");
            name = nameElement.GetString()!;
            if (name.Trim().Length == 0)
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "name", "VALIDATION_REQUIRED", "name must not be blank.");
            if (name.Length > ValidationLimits.MaxNameLength)
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "name", "VALIDATION_LENGTH", $"name must be at most {ValidationLimits.MaxNameLength} characters.");
            if (TextRules.HasControlCharacters(name))
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, "name", "VALIDATION_FORMAT", "name must not contain control characters.");
        }

        var flags = new bool?[Flags.Count];
        for (var i = 0; i < Flags.Count; i++)
        {
            if (!hasAttributes || !attributes.TryGetProperty(Flags[i], out var flag)) continue;
            if (flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidField, Flags[i], "VALIDATION_INVALID", "must be a JSON boolean.");
            flags[i] = flag.GetBoolean();
        }

        // Left out, the role is kept, as DatoCMS does; given, it is checked exactly.
        string? roleId = null;
        if (data.TryGetProperty("relationships", out _))
        {
            var role = ValidateRole(data);
            if (role.Stop is not null) return role.Stop as Refused ?? throw new InvalidOperationException();
            roleId = role.Value;
        }

        return new TokenPatch(name, flags[0], flags[1], flags[2], roleId);
    }

    private static Step<string> ValidateRole(JsonElement data)
    {
        static Refused Bad(string message) => Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidRelationship, "role", "VALIDATION_INVALID", message);

        if (!data.TryGetProperty("relationships", out var relationships))
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidRelationship, "role", "VALIDATION_REQUIRED", "data.relationships.role is required.");
        if (relationships.ValueKind != JsonValueKind.Object)
            return Bad("data.relationships must be an object.");
        if (FirstUnknown(relationships, "role") is { } unknown)
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidRelationship, Printable(unknown), "VALIDATION_UNKNOWN_MEMBER");
        if (!relationships.TryGetProperty("role", out var role))
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidRelationship, "role", "VALIDATION_REQUIRED", "data.relationships.role is required.");
        if (role.ValueKind != JsonValueKind.Object || FirstUnknown(role, "data") is not null)
            return Bad("data.relationships.role must be {\"data\": {\"type\": \"role\", \"id\": \"…\"}}.");
        if (!role.TryGetProperty("data", out var linkage) || linkage.ValueKind != JsonValueKind.Object || FirstUnknown(linkage, "type", "id") is not null)
            return Bad("data.relationships.role.data must be {\"type\": \"role\", \"id\": \"…\"}.");
        if (!linkage.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "role")
            return Bad("data.relationships.role.data.type must be exactly \"role\".");
        if (!linkage.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !Ids.IsCanonical(id.GetString()))
            return Bad("data.relationships.role.data.id must be a role id as a string: decimal digits without sign, space or leading zero.");
        return id.GetString()!;
    }

    internal static string? FirstUnknown(JsonElement obj, params string[] known)
    {
        foreach (var member in obj.EnumerateObject())
        {
            if (Array.IndexOf(known, member.Name) < 0) return Printable(member.Name);
        }
        return null;
    }

    /// <summary>A member name as it may be echoed back: bounded and without control characters.</summary>
    internal static string Printable(string name)
    {
        var bounded = name.Length > 64 ? name[..64] + "…" : name;
        return TextRules.HasControlCharacters(bounded) ? "(unprintable)" : bounded;
    }
}

