using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>The outcome a DatoCMS reply that is not a success amounts to: one place for every call the pipeline makes.</summary>
public static class UpstreamOutcomes
{
    /// <summary>The rate limit's wait when DatoCMS did not say: one of its windows.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(3);

    /// <param name="reply">DatoCMS's reply, anything but <see cref="DatoCmsReplyKind.Ok"/>.</param>
    /// <param name="wasWrite">The call was the <c>PUT</c>: with no answer, whether it was applied is unknown.</param>
    public static Outcome Of(DatoCmsReply reply, bool wasWrite) => reply.Kind switch
    {
        // The caller's own credential never reaches DatoCMS: a 403 is about the gateway's CMA token, not the caller.
        DatoCmsReplyKind.Refused when reply.Status == 403 => new UpstreamFailed(
            "DatoCMS refused the gateway's CMA token the permission (403): its role may not manage API tokens. Nothing was changed.",
            reply.Status, reply.Error?.Code, JsonApi.ErrorCodes.CmaTokenForbidden),
        DatoCmsReplyKind.Refused => new RefusedByDatoCms(reply.Error!),
        DatoCmsReplyKind.RateLimited => new Unavailable(Dependency.DatoCmsRateLimit, "DatoCMS's rate limit outlasts this request's retry budget.", reply.RetryAfter ?? DefaultRetryAfter),
        DatoCmsReplyKind.Unauthorized => new UpstreamFailed(
            "DatoCMS refused the gateway's CMA token (401) even after it was read again from Key Vault: it is revoked, or the vault holds a wrong one. Nothing was changed.",
            reply.Status, reply.Error?.Code, JsonApi.ErrorCodes.CmaTokenRejected),
        DatoCmsReplyKind.Failed => new UpstreamFailed(reply.Description, reply.Status, reply.Error?.Code),
        DatoCmsReplyKind.NoAnswer when wasWrite => new Unknown(JsonApi.ErrorCodes.UpstreamFailure, "DatoCMS's answer to the PUT never came: the change may or may not have been applied; its intent record stands."),
        DatoCmsReplyKind.NoAnswer => new UpstreamFailed("DatoCMS did not answer usably; the change may be retried.", reply.Status, null),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.Kind, "A success is not a failure."),
    };
}
