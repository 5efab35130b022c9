using System.Text.Json;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Validation;

/// <summary>
/// Reads change metadata from the top-level <c>meta</c> object and the <c>X-Change-*</c> headers. A value may
/// come from either; when both carry one they must agree, so the approver and the gateway see the same request.
/// </summary>
internal static class MetadataReader
{
    private static readonly string[] Known = ["requested_by", "approved_by", "reason", "ticket", "dry_run", "expected", "expires_at"];

    public static Step<ChangeMetadata> Read(JsonElement? meta, ChangeHeaders headers, DateTimeOffset now)
    {
        if (meta is { } m && m.ValueKind != JsonValueKind.Object)
            return Invalid("meta", "meta must be an object.");
        if (meta is { } obj && ChangeDocumentValidator.FirstUnknown(obj, Known) is { } unknown)
            return Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidMeta, "meta." + unknown, "VALIDATION_UNKNOWN_MEMBER");

        Refused? error = null;
        var requestedBy = Person("requested_by", ChangeHeaders.RequestedBy);
        var approvedBy = Person("approved_by", ChangeHeaders.ApprovedBy);
        var reason = Text("reason", ChangeHeaders.Reason, ValidationLimits.MaxReasonLength);
        var ticket = Text("ticket", ChangeHeaders.Ticket, ValidationLimits.MaxTicketLength);
        if (error is not null) return error;

        var dryRun = DryRun();
        if (error is not null) return error;
        var expected = Expected();
        if (error is not null) return error;
        var expiresAt = ExpiresAt();
        if (error is not null) return error;

        return new ChangeMetadata(requestedBy, approvedBy, reason, ticket, dryRun, expected, expiresAt);

        JsonElement? Member(string name) =>
            meta is { } o && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        // Picks the value from meta or the header; refuses a disagreement between them.
        T? Pick<T>(string field, T? fromMeta, T? fromHeader)
        {
            if (fromMeta is not null && fromHeader is not null && !EqualityComparer<T>.Default.Equals(fromMeta, fromHeader))
            {
                error ??= Invalid("meta." + field, "meta." + field + " and its X-Change-* header disagree.", "VALIDATION_CONFLICT");
                return default;
            }
            return fromMeta ?? fromHeader;
        }

        string? Text(string field, string header, int maxLength)
        {
            string? fromMeta = null;
            if (Member(field) is { } v)
            {
                if (v.ValueKind != JsonValueKind.String) { error ??= Invalid("meta." + field, "must be a string."); return null; }
                fromMeta = v.GetString();
            }
            var fromHeader = headers[header];
            foreach (var candidate in new[] { fromMeta, fromHeader })
            {
                if (candidate is null) continue;
                if (candidate.Length > maxLength) { error ??= Invalid("meta." + field, $"must be at most {maxLength} characters.", "VALIDATION_LENGTH"); return null; }
                if (TextRules.HasControlCharacters(candidate)) { error ??= Invalid("meta." + field, "must not contain control characters.", "VALIDATION_FORMAT"); return null; }
            }
            var value = Pick(field, fromMeta, fromHeader);
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        // A person is kept in its one form (PersonNames), so that comparing two of them compares people, not spellings.
        string? Person(string field, string header)
        {
            if (Text(field, header, ValidationLimits.MaxPersonLength) is not { } text) return null;
            var (name, problem) = PersonNames.Normalise(text);
            if (problem is not null) error ??= Invalid("meta." + field, "meta." + field + " " + problem, "VALIDATION_IDENTITY");
            return name;
        }

        bool DryRun()
        {
            bool? fromMeta = null;
            if (Member("dry_run") is { } v)
            {
                if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) { error ??= Invalid("meta.dry_run", "must be a JSON boolean."); return false; }
                fromMeta = v.GetBoolean();
            }
            bool? fromHeader = headers[ChangeHeaders.DryRun] switch
            {
                null => null,
                "true" => true,
                "false" => false,
                _ => Fail<bool?>("meta.dry_run", ChangeHeaders.DryRun + " must be true or false."),
            };
            bool? fromQuery = headers.DryRunQuery switch
            {
                null => null,
                "true" => true,
                "false" => false,
                _ => Fail<bool?>("meta.dry_run", "The dry_run query value must be true or false."),
            };
            fromHeader = Pick("dry_run", fromHeader, fromQuery);
            return Pick("dry_run", fromMeta, fromHeader) ?? false;
        }

        TokenState? Expected()
        {
            TokenState? fromMeta = null, fromHeader = null;
            if (Member("expected") is { } v) fromMeta = ReadExpected(v);
            if (error is null && headers[ChangeHeaders.Expected] is { } text)
            {
                if (text.Length > 4096) return Fail<TokenState>("meta.expected", ChangeHeaders.Expected + " is too long.");
                try
                {
                    using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
                    fromHeader = ReadExpected(doc.RootElement);
                }
                catch (JsonException)
                {
                    return Fail<TokenState>("meta.expected", ChangeHeaders.Expected + " must be a JSON object.");
                }
            }
            return error is null ? Pick("expected", fromMeta, fromHeader) : null;
        }

        TokenState? ReadExpected(JsonElement v)
        {
            const string hint = "meta.expected must be {\"name\", \"can_access_cda\", \"can_access_cda_preview\", \"can_access_cma\", \"role_id\"}: the state the approver saw.";
            if (TokenJson.FromOwnForm(v) is not { } state
                || (state.RoleId is not null && !Ids.IsCanonical(state.RoleId))
                || state.Name.Length > ValidationLimits.MaxNameLength)
                return Fail<TokenState>("meta.expected", hint);
            return state;
        }

        DateTimeOffset? ExpiresAt()
        {
            string? fromMeta = null;
            if (Member("expires_at") is { } v)
            {
                if (v.ValueKind != JsonValueKind.String) return Fail<DateTimeOffset?>("meta.expires_at", "must be an RFC 3339 date-time string.");
                fromMeta = v.GetString();
            }
            var text = Pick("expires_at", fromMeta, headers[ChangeHeaders.ExpiresAt]);
            if (text is null || error is not null) return null;
            if (!DateParsing.TryParseInstant(text, out var at))
                return Fail<DateTimeOffset?>("meta.expires_at", "must be an RFC 3339 date-time with an offset, e.g. 2026-01-31T18:00:00Z.");
            if (at <= now)
                return Fail<DateTimeOffset?>("meta.expires_at", "must be in the future.");
            // How far ahead is policy (Policy:MaxGrantDuration); this bound only keeps the arithmetic sane.
            if (at - now > ValidationLimits.MaxExpiry)
                return Fail<DateTimeOffset?>("meta.expires_at", "must be at most 366 days ahead.");
            return at.ToUniversalTime();
        }

        T? Fail<T>(string field, string message)
        {
            error ??= Invalid(field, message);
            return default;
        }
    }

    private static Refused Invalid(string field, string message, string rule = "VALIDATION_INVALID") =>
        Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidMeta, field, rule, message);
}
