using System.Text.Json.Nodes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Changes;

/// <summary>What the pipeline has learnt so far about one change; turns it into a <see cref="ChangeResult"/>.</summary>
internal sealed class ChangeContext(ChangeSubmission submission, string auditId, long started)
{
    public ChangeSubmission Submission { get; } = submission;
    public string AuditId { get; } = auditId;
    public long Started { get; } = started;
    public ChangeDocument? Change { get; set; }
    /// <summary>The caller as established by authentication; the trigger's view until then.</summary>
    public CallerIdentity Caller { get; set; } = submission.Caller;
    public TokenState? Before { get; set; }
    public IReadOnlyList<FieldChange> Diff { get; set; } = [];
    public int UpstreamAttempts { get; set; }
    public int? UpstreamStatus { get; set; }
    public string? UpstreamRequestId { get; set; }

    public ChangeResult Result(ChangeOutcome outcome, AccessTokenResource? token) =>
        new(outcome, AuditId, Submission.CorrelationId)
        {
            Token = token,
            Before = Before,
            Diff = Diff,
            UpstreamStatus = UpstreamStatus,
            UpstreamRequestId = UpstreamRequestId,
        };

    public ChangeResult Reject(ApiError error, AccessTokenResource? current = null) =>
        Result(ChangeOutcome.Rejected, current) with { Error = error };

    public ChangeResult Fail(int status, string code, string message, JsonObject? details = null, TimeSpan? retryAfter = null)
    {
        var error = new ApiError(status, code, details ?? new JsonObject(), Transient: true);
        error.Details!["message"] = message;
        return Result(ChangeOutcome.Failed, null) with { Error = error, RetryAfter = retryAfter };
    }

    /// <summary>
    /// DatoCMS refused: its own 4xx passes through as final; a 429 it would not let us wait out, a 401 that a
    /// fresh vault read did not cure, and 5xx or <c>transient</c> errors are failures worth retrying later.
    /// </summary>
    public ChangeResult FromUpstream(DatoCmsResponse response)
    {
        var error = response.Error ?? ApiError.WithMessage(response.Status, ErrorCodes.UpstreamFailure, "DatoCMS answered without a usable document.");
        var upstream = new JsonObject { ["upstream_status"] = response.Status, ["upstream_code"] = error.Code };
        return response.Status switch
        {
            429 => Fail(429, ErrorCodes.RateLimitExceeded, "DatoCMS's rate limit outlasts this request's retry budget.", upstream, response.RetryAfter ?? TimeSpan.FromSeconds(3)),
            401 => Fail(502, ErrorCodes.UpstreamFailure, "DatoCMS refused the gateway's CMA token even after it was read again from Key Vault.", upstream),
            >= 500 => Fail(502, ErrorCodes.UpstreamFailure, "DatoCMS failed to process the request.", upstream),
            _ when error.Transient => Fail(502, ErrorCodes.UpstreamFailure, "DatoCMS reported a transient error.", upstream),
            _ => Reject(error),
        };
    }
}
