namespace AccessTokenGateway.JsonApi;

/// <summary>
/// Error codes the gateway itself uses. Where DatoCMS has a code for the same reason, it is reused. Each has its section
/// in the README's Errors table, which every error document's <c>doc_url</c> points to (<see cref="ErrorDocument.DocUrl"/>).
/// </summary>
public static class ErrorCodes
{
    // DatoCMS's own codes.
    public const string InvalidJsonBody = "INVALID_JSON_BODY";
    public const string InvalidContentType = "INVALID_CONTENT_TYPE_HEADER";
    public const string InvalidType = "INVALID_TYPE";
    public const string InvalidAttributes = "INVALID_ATTRIBUTES";
    public const string InvalidRelationship = "INVALID_RELATIONSHIP";
    public const string InvalidField = "INVALID_FIELD";
    public const string NonEditableAccessToken = "NON_EDITABLE_ACCESS_TOKEN";
    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";

    // The gateway's own.
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";
    public const string InvalidMeta = "INVALID_META";
    /// <summary>A queue message that is not exactly one CloudEvents 1.0 event, one Event Grid event or one bare document.</summary>
    public const string InvalidEnvelope = "INVALID_ENVELOPE";
    public const string StaleApproval = "STALE_APPROVAL";
    public const string SecretUnavailable = "SECRET_UNAVAILABLE";
    public const string AuditUnavailable = "AUDIT_UNAVAILABLE";
    public const string ReplayStoreUnavailable = "REPLAY_STORE_UNAVAILABLE";
    public const string UpstreamFailure = "UPSTREAM_FAILURE";
    /// <summary>DatoCMS answered 401 to the gateway's own CMA token even after a fresh vault read: revoked, or the vault holds a wrong one.</summary>
    public const string CmaTokenRejected = "CMA_TOKEN_REJECTED";
    /// <summary>DatoCMS answered 403 to the gateway's own CMA token: its role may not manage API tokens (demoted).</summary>
    public const string CmaTokenForbidden = "CMA_TOKEN_FORBIDDEN";
    public const string TokenBusy = "TOKEN_BUSY";
    public const string InternalError = "INTERNAL_ERROR";
    public const string RevertUnavailable = "REVERT_UNAVAILABLE";
    /// <summary>DatoCMS answered about another token than the one requested (another spelling of its id resolved elsewhere).</summary>
    public const string TokenIdMismatch = "TOKEN_ID_MISMATCH";
    /// <summary>A message on the reverts queue that the gateway did not seal, or that was altered: forged.</summary>
    public const string RevertNotAuthentic = "REVERT_NOT_AUTHENTIC";
    /// <summary>A revert message used before.</summary>
    public const string RevertReplayed = "REVERT_REPLAYED";
}
