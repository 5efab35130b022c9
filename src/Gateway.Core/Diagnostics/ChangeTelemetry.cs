using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Diagnostics;

/// <summary>What a finished change tells the meters and its root span: its outcome, source and code; its ids on the span.</summary>
public static class ChangeTelemetry
{
    /// <summary>The code dimension of a change without one.</summary>
    public const string NoCode = "none";

    public static void Record(Activity? span, ChangeRequest request, ChangeResult result)
    {
        var outcome = result.Outcome;
        var source = request.Origin.SourceName;
        GatewayMetrics.Changes.Add(1,
            new("outcome", outcome.Name), new("source", source), new("code", outcome.Code ?? NoCode), new("recorded", result.OutcomeRecorded));
        if (span is null) return;
        span.SetTag(GatewayActivity.AuditIdTag, result.AuditId);
        span.SetTag(GatewayActivity.CorrelationIdTag, result.CorrelationId);
        span.SetTag(GatewayActivity.SourceTag, source);
        if (Ids.IsValid(request.TokenId)) span.SetTag(GatewayActivity.TokenIdTag, request.TokenId);
        span.SetTag(GatewayActivity.OutcomeTag, outcome.Name);
        if (outcome.Code is { } code) span.SetTag(GatewayActivity.ErrorCodeTag, code);
        if (outcome.IsTransient || !result.OutcomeRecorded) span.SetStatus(ActivityStatusCode.Error, outcome.Code);
    }
}
