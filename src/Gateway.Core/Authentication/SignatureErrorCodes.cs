namespace AccessTokenGateway.Authentication;

/// <summary>
/// Why a signed request was refused, one code per reason, in the style of <see cref="JsonApi.ErrorCodes"/>. All are
/// refusals of an unauthenticated sender; a replay store that cannot be reached is <see cref="JsonApi.ErrorCodes.ReplayStoreUnavailable"/>.
/// </summary>
public static class SignatureErrorCodes
{
    /// <summary>No <c>X-Signature</c> header.</summary>
    public const string Missing = "SIGNATURE_MISSING";
    /// <summary>The header is not <c>t=&lt;unix seconds&gt;,v1=&lt;64 hex&gt;[,v1=…]</c>.</summary>
    public const string Malformed = "SIGNATURE_MALFORMED";
    /// <summary>No <c>v1</c> value is the HMAC of this body and timestamp under a current signing secret.</summary>
    public const string Invalid = "SIGNATURE_INVALID";
    /// <summary>Authentic, but <c>t</c> is further in the past than the tolerance.</summary>
    public const string Expired = "SIGNATURE_EXPIRED";
    /// <summary>Authentic, but <c>t</c> is further in the future than the tolerance (the sender's clock is ahead).</summary>
    public const string FromTheFuture = "SIGNATURE_FROM_THE_FUTURE";
    /// <summary>
    /// Authentic under <c>v1</c>, which covers the body only, but the request carries change metadata outside it
    /// (<c>X-Change-*</c> headers, <c>?dry_run</c>) that anyone on the way could have added: sign with <c>v2</c>, or put it in <c>meta</c>.
    /// </summary>
    public const string UnsignedMetadata = "SIGNATURE_UNSIGNED_METADATA";
    /// <summary>Authentic and fresh, but already used once (by any instance).</summary>
    public const string Replayed = "SIGNATURE_REPLAYED";
}
