using System.Diagnostics;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Changes;

/// <summary>
/// A change request as an adapter hands it to the <see cref="ChangePipeline"/>: transport-neutral, its origin
/// established by the adapter (never read from the document), nothing in the document checked yet.
/// </summary>
public sealed record ChangeRequest
{
    public required ChangeOrigin Origin { get; init; }
    /// <summary>The id in the URL (HTTP), or <c>data.id</c> of the document (queue); empty when there was none.</summary>
    public required string TokenId { get; init; }
    /// <summary>The change document's bytes, as received.</summary>
    public required ReadOnlyMemory<byte> Document { get; init; }
    /// <summary>Change metadata the transport carried beside the document (HTTP's <c>X-Change-*</c> headers and query).</summary>
    public ChangeHeaders Headers { get; init; } = ChangeHeaders.None;
    public required string CorrelationId { get; init; }
    public Delivery Delivery { get; init; } = Delivery.Once;
    /// <summary>
    /// The audit id, when the transport fixes it: a queue message's is derived from its message id (<see cref="AuditIds.ForQueueMessage"/>),
    /// so every delivery of one message is one audit id from intent to outcome. Null: the pipeline mints one.
    /// </summary>
    public string? AuditId { get; init; }
    /// <summary>
    /// Set when the adapter refused the request before it could become a change (too large, unsigned, the wrong
    /// content type, a broken envelope): the pipeline records it as the outcome and does nothing else.
    /// </summary>
    public Outcome? NotAdmitted { get; init; }
    /// <summary>The W3C trace context the transport carried (HTTP <c>traceparent</c>, the CloudEvents extension), validated; the change's trace continues it.</summary>
    public ActivityContext? TraceParent { get; init; }
}
