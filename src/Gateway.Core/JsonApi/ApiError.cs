using System.Text.Json.Nodes;

namespace AccessTokenGateway.JsonApi;

/// <summary>
/// One error as DatoCMS reports it: an HTTP status, a code from DatoCMS's vocabulary where the reason is
/// the same (or one of ours in the same style), and details that say which field or rule was at fault.
/// </summary>
public sealed record ApiError(int Status, string Code, JsonObject? Details = null, bool Transient = false)
{
    public static ApiError Field(string code, string field, string rule, string? message = null, int status = 422)
    {
        var details = new JsonObject { ["field"] = field, ["code"] = rule };
        if (message is not null) details["message"] = message;
        return new ApiError(status, code, details);
    }

    public static ApiError WithMessage(int status, string code, string message, bool transient = false) =>
        new(status, code, new JsonObject { ["message"] = message }, transient);

    /// <summary>The field the error names, if any (for audit records and logs).</summary>
    public string? FieldName => Details?["field"]?.GetValue<string>();
}

/// <summary>Error codes the gateway itself uses. Where DatoCMS has a code for the same reason, it is reused.</summary>
public static class ErrorCodes
{
    // DatoCMS's own codes.
    public const string InvalidJsonBody = "INVALID_JSON_BODY";
    public const string InvalidContentType = "INVALID_CONTENT_TYPE_HEADER";
    public const string InvalidType = "INVALID_TYPE";
    public const string InvalidAttributes = "INVALID_ATTRIBUTES";
    public const string InvalidRelationship = "INVALID_RELATIONSHIP";
    public const string InvalidField = "INVALID_FIELD";
    public const string InvalidAuthorizationHeader = "INVALID_AUTHORIZATION_HEADER";
    public const string NonEditableAccessToken = "NON_EDITABLE_ACCESS_TOKEN";
    public const string NotFound = "NOT_FOUND";
    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";

    // The gateway's own.
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";
    public const string InvalidMeta = "INVALID_META";
    public const string StaleApproval = "STALE_APPROVAL";
    public const string SecretUnavailable = "SECRET_UNAVAILABLE";
    public const string AuditUnavailable = "AUDIT_UNAVAILABLE";
    public const string UpstreamFailure = "UPSTREAM_FAILURE";
    public const string UpstreamUnavailable = "UPSTREAM_UNAVAILABLE";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string TokenBusy = "TOKEN_BUSY";
    public const string InternalError = "INTERNAL_ERROR";
    public const string InvalidFunctionKey = "INVALID_FUNCTION_KEY";
    public const string RevertUnavailable = "REVERT_UNAVAILABLE";
}
