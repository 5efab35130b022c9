using System.Diagnostics;

namespace AccessTokenGateway.Diagnostics;

/// <summary>
/// The gateway's spans: one root span per change (<see cref="Change"/>) whose children are the Key Vault read, the
/// token's lock, DatoCMS's <c>GET</c> and <c>PUT</c> and the audit writes. Tags name ids and kinds, never a secret.
/// </summary>
public static class GatewayActivity
{
    public const string SourceName = "AccessTokenGateway";

    public static readonly ActivitySource Source = new(SourceName, "1.0");

    public const string AuditIdTag = "gateway.audit_id";
    public const string CorrelationIdTag = "gateway.correlation_id";
    public const string TokenIdTag = "gateway.token_id";
    public const string SourceTag = "gateway.source";
    public const string OutcomeTag = "gateway.outcome";
    public const string ErrorCodeTag = "gateway.error_code";

    /// <summary>
    /// Starts the root span of a change. A caller's or an event's W3C trace context is continued unless the host
    /// already continues it (ASP.NET Core and the Functions host do for an HTTP <c>traceparent</c>): then the change is
    /// a child of the host's span, in the same trace.
    /// </summary>
    public static Activity? StartChange(ActivityContext? remoteParent)
    {
        var current = Activity.Current;
        var parent = remoteParent is { } remote && current?.TraceId != remote.TraceId ? remote : current?.Context ?? default;
        return Source.StartActivity("change", ActivityKind.Internal, parent);
    }

    /// <summary>Parses a W3C <c>traceparent</c> (and <c>tracestate</c>); null when absent or not valid.</summary>
    public static ActivityContext? ParseTraceParent(string? traceParent, string? traceState) =>
        traceParent is { Length: 55 } && ActivityContext.TryParse(traceParent, IsValidTraceState(traceState) ? traceState : null, isRemote: true, out var context)
            ? context
            : null;

    /// <summary>A <c>tracestate</c> as W3C bounds it: at most 512 printable ASCII characters.</summary>
    public static bool IsValidTraceState(string? traceState) =>
        traceState is null || (traceState.Length <= 512 && traceState.All(c => c is >= ' ' and <= '~'));
}
