using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace DatoCmsSimulator;

/// <summary>
/// The DatoCMS CMA surface (<c>/access_tokens</c>, <c>/roles</c>) as one terminal middleware, so that faults, authentication,
/// rate limiting and header checks run in DatoCMS's order for every path, known or not.
/// Check order: faults → Authorization (401: an unknown bearer, or one whose access-token record has <c>can_access_cma</c> off)
/// → rate limit (429) → X-Api-Version (422) → Accept (406) → X-Environment (404) → route (404) → the bearer's role may manage
/// API tokens, for <c>/access_tokens</c> (403) → Content-Type (415) → JSON (400) → document schema (422) → record lookup (404)
/// → built-in (422) → role (422).
/// </summary>
internal sealed class CmaApi(SimulatorState state)
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private static readonly TimeSpan DefaultFaultLatency = TimeSpan.FromMilliseconds(500);
    private static readonly string[] WritableAttributes = ["name", "can_access_cda", "can_access_cda_preview", "can_access_cma"];
    private static readonly string[] ReadOnlyAttributes = ["token", "hardcoded_type", "last_cma_access", "last_cda_access"];

    private readonly string requestIdPrefix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    private long requestCounter;

    private sealed record ParsedToken(string Name, bool CanAccessCda, bool CanAccessCdaPreview, bool CanAccessCma, string? RoleId, bool RoleGiven);

    /// <summary>The request being handled; recorded once, just before its answer is sent (so a client that has its answer sees it in the log).</summary>
    private sealed class PendingRecord(string method, string path, string? query, IReadOnlyDictionary<string, string> headers, DateTimeOffset receivedAt)
    {
        public string Body = string.Empty;
        public bool Committed;
        public RecordedRequest ToRecord(int status) => new(method, path, query, headers, Body, status, receivedAt);
    }

    private static readonly object PendingKey = new();

    public async Task InvokeAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        var method = request.Method;
        var path = request.Path.HasValue ? request.Path.Value! : "/";
        var pending = new PendingRecord(
            method,
            path,
            request.QueryString.HasValue ? request.QueryString.Value![1..] : null,
            CaptureHeaders(request.Headers),
            state.Time.GetUtcNow());
        ctx.Items[PendingKey] = pending;
        try
        {
            pending.Body = await ReadBodyAsync(request, ctx.RequestAborted);
            await HandleAsync(ctx, method, path, pending.Body);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // client went away (e.g. during injected latency)
        }
        catch (IOException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Commit(ctx, 0);
        }
    }

    private void Commit(HttpContext ctx, int status)
    {
        if (ctx.Items[PendingKey] is PendingRecord { Committed: false } pending)
        {
            pending.Committed = true;
            state.Record(pending.ToRecord(status));
        }
    }

    private async Task<int> HandleAsync(HttpContext ctx, string method, string path, string body)
    {
        var (latency, fault) = state.Faults.Take(method, path);
        var delay = latency + (fault?.Delay ?? (fault?.Kind == FaultKind.Latency ? DefaultFaultLatency : TimeSpan.Zero));
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, state.Time, ctx.RequestAborted);
        }
        if (fault is not null && fault.Kind != FaultKind.Latency)
        {
            return await ApplyFaultAsync(ctx, fault);
        }

        var apiToken = ParseBearer(ctx.Request.Headers.Authorization.ToString());
        var bearer = apiToken is null ? null : state.Bearer(apiToken);
        if (bearer is null || !bearer.CanAccessCma)
        {
            return await SendErrorAsync(ctx, 401, null, new ApiErrorItem("INVALID_AUTHORIZATION_HEADER",
                Details(("reason", apiToken is null ? "missing or malformed Authorization: Bearer header"
                    : bearer is null ? "unknown API token" : "this API token may not access the Content Management API"))));
        }

        // DatoCMS documents only the X-RateLimit-* headers on a 429 (no Retry-After).
        var rate = state.RateLimiter.Hit(apiToken!);
        if (!rate.Allowed)
        {
            return await SendErrorAsync(ctx, 429, rate, new ApiErrorItem("RATE_LIMIT_EXCEEDED",
                Details(("limit", rate.Limit), ("reset", rate.ResetSeconds))));
        }

        var version = ctx.Request.Headers["X-Api-Version"].ToString().Trim();
        if (version != "3")
        {
            return await SendErrorAsync(ctx, 422, rate, new ApiErrorItem("INVALID_API_VERSION",
                Details(("received", version.Length == 0 ? null : version), ("supported", new[] { "3" }))));
        }

        if (!AcceptsJson(ctx.Request.Headers.Accept.ToString()))
        {
            return await SendErrorAsync(ctx, 406, rate, new ApiErrorItem("INVALID_ACCEPT_HEADER",
                Details(("received", ctx.Request.Headers.Accept.ToString()), ("expected", "application/json"))));
        }

        var environment = ctx.Request.Headers["X-Environment"].ToString().Trim();
        if (environment.Length > 0 && !ContainsIgnoreCase(state.Options.Environments, environment))
        {
            return await SendErrorAsync(ctx, 404, rate, new ApiErrorItem("INVALID_ENVIRONMENT",
                Details(("environment_id", environment))));
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["access_tokens", ..] && IsKnownRoute(segments, method) && !bearer.MayManageAccessTokens)
        {
            return await SendErrorAsync(ctx, 403, rate, new ApiErrorItem("INSUFFICIENT_PERMISSIONS",
                Details(("reason", "this API token's role may not manage API tokens"))));
        }
        switch (segments)
        {
            case ["access_tokens"] when HttpMethods.IsGet(method):
                return await SendAsync(ctx, 200, rate, JsonApi.TokenListDocument(state.GetTokens()));
            case ["access_tokens"] when HttpMethods.IsPost(method):
                return await CreateAsync(ctx, rate, body);
            case ["access_tokens", var id] when HttpMethods.IsGet(method):
                return state.GetToken(id) is { } token
                    ? await SendAsync(ctx, 200, rate, JsonApi.TokenDocument(token))
                    : await NotFoundAsync(ctx, rate, "access_token", id);
            case ["access_tokens", var id] when HttpMethods.IsPut(method):
                return await UpdateAsync(ctx, rate, id, body);
            case ["access_tokens", var id] when HttpMethods.IsDelete(method):
                {
                    var existing = state.GetToken(id);
                    return existing is not null && state.RemoveToken(id)
                        ? await SendAsync(ctx, 200, rate, JsonApi.TokenDocument(existing))
                        : await NotFoundAsync(ctx, rate, "access_token", id);
                }
            case ["access_tokens", var id, "regenerate_token"] when HttpMethods.IsPost(method):
                return state.Regenerate(id) is { } regenerated
                    ? await SendAsync(ctx, 200, rate, JsonApi.TokenDocument(regenerated))
                    : await NotFoundAsync(ctx, rate, "access_token", id);
            case ["roles"] when HttpMethods.IsGet(method):
                return await SendAsync(ctx, 200, rate, JsonApi.RoleListDocument(state.GetRoles()));
            case ["roles", var id] when HttpMethods.IsGet(method):
                return state.GetRole(id) is { } role
                    ? await SendAsync(ctx, 200, rate, JsonApi.RoleDocument(role))
                    : await NotFoundAsync(ctx, rate, "role", id);
            default:
                return await SendErrorAsync(ctx, 404, rate, new ApiErrorItem("NOT_FOUND", Details(("method", method), ("path", path))));
        }
    }

    private static bool IsKnownRoute(string[] segments, string method) => segments switch
    {
        ["access_tokens"] => HttpMethods.IsGet(method) || HttpMethods.IsPost(method),
        ["access_tokens", _] => HttpMethods.IsGet(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method),
        ["access_tokens", _, "regenerate_token"] => HttpMethods.IsPost(method),
        _ => false,
    };

    private async Task<int> UpdateAsync(HttpContext ctx, RateLimiter.Decision rate, string id, string body)
    {
        var (parsed, refused) = await ParseBodyAsync(ctx, rate, body, id);
        if (parsed is null) return refused;

        var outcome = state.TryUpdate(id, parsed.Name, parsed.CanAccessCda, parsed.CanAccessCdaPreview, parsed.CanAccessCma,
            parsed.RoleId, keepRole: !parsed.RoleGiven, out var result);
        return outcome switch
        {
            SimulatorState.UpdateOutcome.Updated => await SendAsync(ctx, 200, rate, JsonApi.TokenDocument(result!)),
            SimulatorState.UpdateOutcome.NotFound => await NotFoundAsync(ctx, rate, "access_token", id),
            SimulatorState.UpdateOutcome.NonEditable => await SendErrorAsync(ctx, 422, rate, new ApiErrorItem("NON_EDITABLE_ACCESS_TOKEN",
                Details(("access_token_id", id), ("hardcoded_type", result!.HardcodedType)))),
            _ => await UnknownRoleAsync(ctx, rate, parsed.RoleId),
        };
    }

    private async Task<int> CreateAsync(HttpContext ctx, RateLimiter.Decision rate, string body)
    {
        var (parsed, refused) = await ParseBodyAsync(ctx, rate, body, routeId: null);
        if (parsed is null) return refused;
        var created = state.TryCreate(parsed.Name, parsed.CanAccessCda, parsed.CanAccessCdaPreview, parsed.CanAccessCma, parsed.RoleId!);
        return created is null
            ? await UnknownRoleAsync(ctx, rate, parsed.RoleId)
            : await SendAsync(ctx, 201, rate, JsonApi.TokenDocument(created));
    }

    private Task<int> UnknownRoleAsync(HttpContext ctx, RateLimiter.Decision rate, string? roleId) =>
        SendErrorAsync(ctx, 422, rate, new ApiErrorItem("INVALID_RELATIONSHIP",
            Details(("field", "role"), ("code", "RECORD_NOT_FOUND"), ("id", roleId))));

    /// <summary>Content-Type, JSON and document checks; on refusal the answer is already sent and its status returned.</summary>
    private async Task<(ParsedToken? Parsed, int Status)> ParseBodyAsync(HttpContext ctx, RateLimiter.Decision rate, string body, string? routeId)
    {
        var contentType = ctx.Request.ContentType;
        if (!IsJsonContentType(contentType))
        {
            return (null, await SendErrorAsync(ctx, 415, rate, new ApiErrorItem("INVALID_CONTENT_TYPE_HEADER",
                Details(("received", contentType), ("expected", "application/vnd.api+json")))));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, await SendErrorAsync(ctx, 400, rate, new ApiErrorItem("INVALID_JSON_BODY", Details(("message", e.Message)))));
        }

        using (document)
        {
            var errors = new List<ApiErrorItem>();
            var parsed = ParseTokenDocument(document.RootElement, routeId, errors);
            if (errors.Count > 0 || parsed is null)
            {
                return (null, await SendErrorAsync(ctx, 422, rate, [.. errors]));
            }
            return (parsed, 0);
        }
    }

    /// <summary>
    /// Validates a create/update document. All errors of the document are collected (DatoCMS answers a list).
    /// <paramref name="routeId"/> null = create (no id check, role relationship required).
    /// </summary>
    private static ParsedToken? ParseTokenDocument(JsonElement root, string? routeId, List<ApiErrorItem> errors)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ApiErrorItem("INVALID_FORMAT", Details(("messages", new[] { "#/data: an object is required" }))));
            return null;
        }

        var extraneousMembers = data.EnumerateObject().Select(p => p.Name)
            .Where(n => n is not ("type" or "id" or "attributes" or "relationships" or "meta")).ToArray();
        if (extraneousMembers.Length > 0)
        {
            errors.Add(new ApiErrorItem("INVALID_FORMAT", Details(("messages", new[] { "#/data: extraneous members" }), ("extraneous_members", extraneousMembers))));
        }

        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "access_token")
        {
            errors.Add(new ApiErrorItem("INVALID_TYPE", Details(("field", "type"), ("expected", "access_token"),
                ("received", data.TryGetProperty("type", out var t) ? t.ToString() : null))));
        }

        if (routeId is not null)
        {
            if (!data.TryGetProperty("id", out var idElement) || idElement.ValueKind == JsonValueKind.Null)
            {
                errors.Add(FieldError("id", "VALIDATION_REQUIRED"));
            }
            else if (idElement.ValueKind != JsonValueKind.String || idElement.GetString() != routeId)
            {
                errors.Add(FieldError("id", "VALIDATION_INVALID", ("expected", routeId), ("received", idElement.ToString())));
            }
        }

        var hasAttributes = data.TryGetProperty("attributes", out var attributes);
        if (hasAttributes && attributes.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ApiErrorItem("INVALID_FORMAT", Details(("messages", new[] { "#/data/attributes: an object is required" }))));
            return null;
        }

        if (hasAttributes)
        {
            var extraneous = attributes.EnumerateObject().Select(p => p.Name).Where(n => !WritableAttributes.Contains(n)).ToArray();
            if (extraneous.Length > 0)
            {
                errors.Add(new ApiErrorItem("INVALID_ATTRIBUTES", Details(
                    ("extraneous_attributes", extraneous),
                    ("read_only_attributes", extraneous.Where(ReadOnlyAttributes.Contains).ToArray()),
                    ("permitted_attributes", WritableAttributes))));
            }
        }

        string? name = null;
        JsonElement nameElement = default;
        if (!hasAttributes || !attributes.TryGetProperty("name", out nameElement) || nameElement.ValueKind == JsonValueKind.Null)
        {
            errors.Add(FieldError("name", "VALIDATION_REQUIRED"));
        }
        else if (nameElement.ValueKind != JsonValueKind.String)
        {
            errors.Add(FieldError("name", "VALIDATION_INVALID", ("expected", "string")));
        }
        else if (string.IsNullOrWhiteSpace(name = nameElement.GetString()))
        {
            errors.Add(FieldError("name", "VALIDATION_REQUIRED"));
        }

        var cda = ReadFlag(hasAttributes, attributes, "can_access_cda", errors);
        var preview = ReadFlag(hasAttributes, attributes, "can_access_cda_preview", errors);
        var cma = ReadFlag(hasAttributes, attributes, "can_access_cma", errors);

        string? roleId = null;
        var roleGiven = false;
        if (data.TryGetProperty("relationships", out var relationships))
        {
            if (relationships.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ApiErrorItem("INVALID_FORMAT", Details(("messages", new[] { "#/data/relationships: an object is required" }))));
                return null;
            }
            foreach (var rel in relationships.EnumerateObject())
            {
                if (rel.Name != "role")
                {
                    errors.Add(new ApiErrorItem("INVALID_RELATIONSHIP", Details(("field", rel.Name), ("code", "VALIDATION_INVALID"), ("message", "unknown relationship"))));
                }
            }
            if (relationships.TryGetProperty("role", out var role))
            {
                roleGiven = true;
                if (role.ValueKind != JsonValueKind.Object || !role.TryGetProperty("data", out var roleData))
                {
                    errors.Add(new ApiErrorItem("INVALID_RELATIONSHIP", Details(("field", "role"), ("code", "VALIDATION_INVALID"), ("message", "expected {\"data\": {\"type\": \"role\", \"id\": ...}}"))));
                }
                else if (roleData.ValueKind == JsonValueKind.Null)
                {
                    errors.Add(new ApiErrorItem("INVALID_RELATIONSHIP", Details(("field", "role"), ("code", "VALIDATION_REQUIRED"))));
                }
                else if (roleData.ValueKind != JsonValueKind.Object
                         || !roleData.TryGetProperty("type", out var roleType) || roleType.ValueKind != JsonValueKind.String || roleType.GetString() != "role"
                         || !roleData.TryGetProperty("id", out var roleIdElement) || roleIdElement.ValueKind != JsonValueKind.String
                         || string.IsNullOrEmpty(roleIdElement.GetString()))
                {
                    errors.Add(new ApiErrorItem("INVALID_RELATIONSHIP", Details(("field", "role"), ("code", "VALIDATION_INVALID"), ("message", "expected {\"type\": \"role\", \"id\": \"<string>\"}"))));
                }
                else
                {
                    roleId = roleIdElement.GetString();
                }
            }
        }
        if (routeId is null && !roleGiven)
        {
            errors.Add(new ApiErrorItem("INVALID_RELATIONSHIP", Details(("field", "role"), ("code", "VALIDATION_REQUIRED"))));
        }

        return errors.Count == 0 ? new ParsedToken(name!, cda, preview, cma, roleId, roleGiven) : null;
    }

    private static bool ReadFlag(bool hasAttributes, JsonElement attributes, string field, List<ApiErrorItem> errors)
    {
        if (!hasAttributes || !attributes.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(FieldError(field, "VALIDATION_REQUIRED"));
            return false;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(FieldError(field, "VALIDATION_INVALID", ("expected", "boolean")));
            return false;
        }
        return value.GetBoolean();
    }

    private static ApiErrorItem FieldError(string field, string code, params (string Key, object? Value)[] extra) =>
        new("INVALID_FIELD", Details([("field", field), ("code", code), .. extra]));

    private Task<int> NotFoundAsync(HttpContext ctx, RateLimiter.Decision rate, string type, string id) =>
        SendErrorAsync(ctx, 404, rate, new ApiErrorItem("NOT_FOUND", Details(("type", type), ("id", id))));

    private async Task<int> ApplyFaultAsync(HttpContext ctx, Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.DropConnection:
                Commit(ctx, 0);
                ctx.Abort();
                return 0;
            case FaultKind.HtmlBadGateway:
                {
                    var status = fault.StatusCode == 500 ? 502 : fault.StatusCode;
                    var html = Encoding.UTF8.GetBytes(
                        $"<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n");
                    return await SendAsync(ctx, status, null, html, "text/html; charset=utf-8", rateHeaders: false);
                }
            case FaultKind.RateLimitStorm:
                {
                    var reset = Math.Max(1, fault.ResetSeconds);
                    var decision = new RateLimiter.Decision(false, state.Options.RateLimitPerWindow, 0, reset);
                    return await SendErrorAsync(ctx, 429, decision, new ApiErrorItem("RATE_LIMIT_EXCEEDED",
                        Details(("limit", decision.Limit), ("reset", reset))));
                }
            case FaultKind.TransientError:
                return await SendErrorAsync(ctx, fault.StatusCode, null, new ApiErrorItem(fault.Code ?? CodeForStatus(fault.StatusCode),
                    Details(("message", "simulated transient failure")), Transient: true));
            case FaultKind.ServerError:
            default:
                return await SendErrorAsync(ctx, fault.StatusCode, null, new ApiErrorItem(fault.Code ?? CodeForStatus(fault.StatusCode),
                    Details(("message", "simulated server error"))));
        }
    }

    /// <summary>DatoCMS's own codes for a failure of its own: <c>EXCEPTION</c> for an unexpected error, <c>SERVICE_UNAVAILABLE</c> when it cannot serve.</summary>
    private static string CodeForStatus(int status) => status switch
    {
        502 or 503 or 504 => "SERVICE_UNAVAILABLE",
        _ => "EXCEPTION",
    };

    private Task<int> SendErrorAsync(HttpContext ctx, int status, RateLimiter.Decision? rate, params ApiErrorItem[] errors) =>
        SendAsync(ctx, status, rate, JsonApi.ErrorDocument(errors));

    private async Task<int> SendAsync(HttpContext ctx, int status, RateLimiter.Decision? rate, byte[] body,
        string contentType = JsonContentType, bool rateHeaders = true)
    {
        var response = ctx.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        var headers = response.Headers;
        headers["X-Request-Id"] = requestIdPrefix + Interlocked.Increment(ref requestCounter).ToString("x8", CultureInfo.InvariantCulture);
        if (rateHeaders)
        {
            headers.CacheControl = "max-age=0, private, must-revalidate";
            var limit = rate?.Limit ?? state.Options.RateLimitPerWindow;
            headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = (rate?.Remaining ?? limit).ToString(CultureInfo.InvariantCulture);
            if (rate is { } r)
            {
                headers["X-RateLimit-Reset"] = r.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            }
        }
        response.ContentLength = body.Length;
        Commit(ctx, status);
        await response.Body.WriteAsync(body, ctx.RequestAborted);
        return status;
    }

    private static Dictionary<string, object?> Details(params (string Key, object? Value)[] pairs)
    {
        var d = new Dictionary<string, object?>(pairs.Length, StringComparer.Ordinal);
        foreach (var (k, v) in pairs) d[k] = v;
        return d;
    }

    private static string? ParseBearer(string authorization)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = authorization[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    private static bool AcceptsJson(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return true;
        if (!MediaTypeHeaderValue.TryParseList([accept], out var values)) return false;
        foreach (var value in values)
        {
            if (value.Quality is 0) continue;
            var mediaType = value.MediaType.Value ?? string.Empty;
            if (mediaType is "*/*" or "application/*" ||
                string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(mediaType, "application/vnd.api+json", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool ContainsIgnoreCase(IList<string> list, string value)
    {
        if (list is SynchronizedList synchronized) return synchronized.ContainsIgnoreCase(value);
        return list.Any(item => string.Equals(item, value, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return false;
        var mediaType = parsed.MediaType.Value ?? string.Empty;
        return string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) ||
               string.Equals(mediaType, "application/vnd.api+json", StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> CaptureHeaders(IHeaderDictionary headers)
    {
        var result = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in headers)
        {
            result[key] = values.Count == 1 ? values[0] ?? string.Empty : string.Join(", ", (IEnumerable<string?>)values);
        }
        return result;
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength == 0) return string.Empty;
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await reader.ReadToEndAsync(ct);
    }
}
