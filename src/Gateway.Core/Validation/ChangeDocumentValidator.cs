using System.Globalization;
using System.Text.Json;
using AccessTokenGateway.Changes;
using AccessTokenGateway.JsonApi;

namespace AccessTokenGateway.Validation;

/// <summary>The outcome of validation: a document to act on, or the error that refuses it.</summary>
public readonly record struct Validated(ChangeDocument? Document, ApiError? Error)
{
    public static implicit operator Validated(ChangeDocument document) => new(document, null);
    public static implicit operator Validated(ApiError error) => new(null, error);
}

/// <summary>
/// Validates a change request against the CMA contract for <c>PUT /access_tokens/:id</c> (the seed page) and
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
    private static readonly string[] Flags = ["can_access_cda", "can_access_cda_preview", "can_access_cma"];

    public static Validated Validate(ReadOnlyMemory<byte> body, string routeId, ChangeHeaders headers, DateTimeOffset now)
    {
        // JsonDocument checks the structure but leaves invalid UTF-8 inside strings to fail later, when read.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            return ApiError.WithMessage(400, ErrorCodes.InvalidJsonBody, "The body is not valid UTF-8.");

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
            return ApiError.WithMessage(400, ErrorCodes.InvalidJsonBody, "The body is not a single well-formed UTF-8 JSON document (duplicate members and nesting deeper than " + ValidationLimits.MaxJsonDepth + " are refused).");
        }

        using (document)
        {
            if (!Ids.IsValid(routeId))
                return ApiError.Field(ErrorCodes.InvalidField, "id", "VALIDATION_FORMAT", "The token id is not a DatoCMS id.");
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ApiError.WithMessage(400, ErrorCodes.InvalidJsonBody, "The body must be a JSON object.");
            if (FirstUnknown(root, "data", "meta") is { } unknownTop)
                return ApiError.Field(ErrorCodes.InvalidField, unknownTop, "VALIDATION_UNKNOWN_MEMBER");
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                return ApiError.Field(ErrorCodes.InvalidField, "data", "VALIDATION_REQUIRED", "data must be a resource object.");

            var resource = ValidateResource(data, routeId);
            if (resource.Error is not null) return resource.Error;

            var meta = MetadataReader.Read(root.TryGetProperty("meta", out var m) ? m : (JsonElement?)null, headers, now);
            if (meta.Error is not null) return meta.Error;

            return new ChangeDocument(routeId, resource.State!, meta.Metadata!);
        }
    }

    private static (TokenState? State, ApiError? Error) ValidateResource(JsonElement data, string routeId)
    {
        if (FirstUnknown(data, "type", "id", "attributes", "relationships") is { } unknown)
            return (null, ApiError.Field(ErrorCodes.InvalidField, "data." + unknown, "VALIDATION_UNKNOWN_MEMBER"));

        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "access_token")
            return (null, ApiError.Field(ErrorCodes.InvalidType, "type", "VALIDATION_INVALID", "data.type must be exactly \"access_token\"."));

        if (!data.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            return (null, ApiError.Field(ErrorCodes.InvalidField, "id", "VALIDATION_REQUIRED", "data.id must be the token's id as a string."));
        if (!string.Equals(id.GetString(), routeId, StringComparison.Ordinal))
            return (null, ApiError.Field(ErrorCodes.InvalidField, "id", "VALIDATION_MISMATCH", "data.id must equal the id in the URL."));

        if (!data.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object)
            return (null, ApiError.Field(ErrorCodes.InvalidAttributes, "attributes", "VALIDATION_REQUIRED", "data.attributes must be an object."));

        foreach (var member in attributes.EnumerateObject())
        {
            if (ReadOnlyAttributes.Contains(member.Name))
                return (null, ApiError.Field(ErrorCodes.InvalidAttributes, member.Name, "VALIDATION_READ_ONLY", "This attribute cannot be set through an update."));
            if (member.Name != "name" && !Flags.Contains(member.Name))
                return (null, ApiError.Field(ErrorCodes.InvalidAttributes, Printable(member.Name), "VALIDATION_UNKNOWN_MEMBER"));
        }

        if (!attributes.TryGetProperty("name", out var nameElement))
            return (null, ApiError.Field(ErrorCodes.InvalidField, "name", "VALIDATION_REQUIRED"));
        if (nameElement.ValueKind != JsonValueKind.String)
            return (null, ApiError.Field(ErrorCodes.InvalidField, "name", "VALIDATION_INVALID", "name must be a string."));
        var name = nameElement.GetString()!;
        if (name.Trim().Length == 0)
            return (null, ApiError.Field(ErrorCodes.InvalidField, "name", "VALIDATION_REQUIRED", "name must not be blank."));
        if (name.Length > ValidationLimits.MaxNameLength)
            return (null, ApiError.Field(ErrorCodes.InvalidField, "name", "VALIDATION_LENGTH", $"name must be at most {ValidationLimits.MaxNameLength} characters."));
        if (TextRules.HasControlCharacters(name))
            return (null, ApiError.Field(ErrorCodes.InvalidField, "name", "VALIDATION_FORMAT", "name must not contain control characters."));

        var flags = new bool[Flags.Length];
        for (var i = 0; i < Flags.Length; i++)
        {
            if (!attributes.TryGetProperty(Flags[i], out var flag))
                return (null, ApiError.Field(ErrorCodes.InvalidField, Flags[i], "VALIDATION_REQUIRED"));
            if (flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return (null, ApiError.Field(ErrorCodes.InvalidField, Flags[i], "VALIDATION_INVALID", "must be a JSON boolean."));
            flags[i] = flag.GetBoolean();
        }

        var role = ValidateRole(data);
        if (role.Error is not null) return (null, role.Error);

        return (new TokenState(name, flags[0], flags[1], flags[2], role.RoleId), null);
    }

    private static (string? RoleId, ApiError? Error) ValidateRole(JsonElement data)
    {
        static ApiError Bad(string message) => ApiError.Field(ErrorCodes.InvalidRelationship, "role", "VALIDATION_INVALID", message);

        if (!data.TryGetProperty("relationships", out var relationships))
            return (null, ApiError.Field(ErrorCodes.InvalidRelationship, "role", "VALIDATION_REQUIRED", "data.relationships.role is required."));
        if (relationships.ValueKind != JsonValueKind.Object)
            return (null, Bad("data.relationships must be an object."));
        if (FirstUnknown(relationships, "role") is { } unknown)
            return (null, ApiError.Field(ErrorCodes.InvalidRelationship, Printable(unknown), "VALIDATION_UNKNOWN_MEMBER"));
        if (!relationships.TryGetProperty("role", out var role))
            return (null, ApiError.Field(ErrorCodes.InvalidRelationship, "role", "VALIDATION_REQUIRED", "data.relationships.role is required."));
        if (role.ValueKind != JsonValueKind.Object || FirstUnknown(role, "data") is not null)
            return (null, Bad("data.relationships.role must be {\"data\": {\"type\": \"role\", \"id\": \"…\"}}."));
        if (!role.TryGetProperty("data", out var linkage) || linkage.ValueKind != JsonValueKind.Object || FirstUnknown(linkage, "type", "id") is not null)
            return (null, Bad("data.relationships.role.data must be {\"type\": \"role\", \"id\": \"…\"}."));
        if (!linkage.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "role")
            return (null, Bad("data.relationships.role.data.type must be exactly \"role\"."));
        if (!linkage.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !Ids.IsValid(id.GetString()))
            return (null, Bad("data.relationships.role.data.id must be a role id as a string."));
        return (id.GetString(), null);
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

/// <summary>What a DatoCMS id looks like: short, and made only of URL-safe characters.</summary>
public static class Ids
{
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= ValidationLimits.MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

internal static class TextRules
{
    /// <summary>Every string and member name unescapes to Unicode text (JsonElement throws on an unpaired surrogate).</summary>
    public static bool AllStringsDecode(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(AllStringsDecode);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(member => member.Name is not null && AllStringsDecode(member.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static bool HasControlCharacters(string value)
    {
        foreach (var c in value)
        {
            // Line separators and bidirectional overrides can make text read differently from what it is ("Trojan Source").
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')) return true;
        }
        return false;
    }
}

/// <summary>The <c>X-Change-*</c> headers that carry metadata for clients that cannot add <c>meta</c>.</summary>
public sealed class ChangeHeaders
{
    public const string RequestedBy = "X-Change-Requested-By";
    public const string ApprovedBy = "X-Change-Approved-By";
    public const string Reason = "X-Change-Reason";
    public const string Ticket = "X-Change-Ticket";
    public const string DryRun = "X-Change-Dry-Run";
    public const string Expected = "X-Change-Expected";
    public const string ExpiresAt = "X-Change-Expires-At";

    public static readonly IReadOnlyList<string> All = [RequestedBy, ApprovedBy, Reason, Ticket, DryRun, Expected, ExpiresAt];
    public static readonly ChangeHeaders None = new(new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _values;

    public ChangeHeaders(IReadOnlyDictionary<string, string> values, string? dryRunQuery = null)
    {
        _values = new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);
        DryRunQuery = dryRunQuery;
    }

    /// <summary>The URL's <c>dry_run</c> query value, if any (<c>?dry_run=true</c>).</summary>
    public string? DryRunQuery { get; }

    public string? this[string header] => _values.TryGetValue(header, out var v) ? v : null;
}

internal static class DateParsing
{
    public static bool TryParseInstant(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out value)
        && (text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9);
}
