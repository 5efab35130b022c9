using AccessTokenGateway.Changes;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// Why a signed request was refused, one code per reason, in the style of <see cref="JsonApi.ErrorCodes"/>. All are
/// 401 except <see cref="ReplayStoreUnavailable"/>, a 503: without the shared store a replay cannot be ruled out.
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
    /// <summary>Authentic and fresh, but already used once (by any instance).</summary>
    public const string Replayed = "SIGNATURE_REPLAYED";
    /// <summary>The seen-signature store could not be reached: refused, transiently.</summary>
    public const string ReplayStoreUnavailable = "REPLAY_STORE_UNAVAILABLE";
}

/// <summary>The <see cref="CallerIdentity.Kind"/> values the gateway records.</summary>
public static class CallerKinds
{
    /// <summary>An App Service Authentication (Easy Auth) principal: <c>&lt;idp&gt;:&lt;name or object id&gt;</c>.</summary>
    public const string Principal = "principal";
    /// <summary>A webhook sender that proved it holds the signing secret: <c>webhook</c>, or <c>webhook:previous</c>.</summary>
    public const string Signer = "signer";
    /// <summary>A caller known by the name of its function key (the local host; in Azure the host does not say which key).</summary>
    public const string FunctionKey = "function_key";
}
