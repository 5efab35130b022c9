using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.JsonApi;

/// <summary>
/// The one table of statuses: the HTTP status each outcome that is not a success answers with. It belongs to the
/// error vocabulary (a JSON:API error's <c>status</c>) rather than to the pipeline, which never chooses one: the HTTP
/// adapter answers with it, and the audit record names it so a reader of the trail sees what the caller saw.
/// </summary>
public static class ErrorStatus
{
    public static int Of(Outcome outcome) => outcome switch
    {
        Refused refused => refused.Kind switch
        {
            RefusalKind.Malformed => 400,
            RefusalKind.Unauthenticated => 401,
            RefusalKind.Forbidden => 403,
            RefusalKind.Stale => 409,
            RefusalKind.TooLarge => 413,
            RefusalKind.UnsupportedContentType => 415,
            RefusalKind.Invalid => 422,
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        },
        RefusedByDatoCms byDatoCms => byDatoCms.Error.Status,
        Unavailable { Which: Dependency.DatoCmsRateLimit } => 429,
        Unavailable => 503,
        UpstreamFailed => 502,
        Unknown { ErrorCode: ErrorCodes.InternalError } => 500,
        Unknown => 502,
        GaveUp gaveUp => Of(gaveUp.Last),
        _ => 200,
    };
}
