namespace AccessTokenGateway.DatoCms;

/// <summary>What DatoCMS's answer to one call amounts to, after the client's own retries.</summary>
public enum DatoCmsReplyKind
{
    /// <summary>An <c>access_token</c> document.</summary>
    Ok,
    /// <summary>A 4xx DatoCMS means for good: its error passes through.</summary>
    Refused,
    /// <summary>401: DatoCMS refused the gateway's own CMA token (rotated, revoked).</summary>
    Unauthorized,
    /// <summary>DatoCMS's rate limit outlasts what the call may wait.</summary>
    RateLimited,
    /// <summary>DatoCMS answered, unusably: 5xx, an error it marks transient, a page that is not the CMA's; or nothing was sent (an open circuit).</summary>
    Failed,
    /// <summary>Sent, but no usable answer came (a dropped connection, a time-out, a success without a document): whether DatoCMS acted is unknown.</summary>
    NoAnswer,
}
