using System.Diagnostics;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Functions.Queue;

/// <summary>
/// What a change-queue message carries, once its envelope (if any) is taken off; <see cref="Invalid"/> when the
/// envelope itself is not exactly one of those the queue takes. <see cref="TraceParent"/>: a CloudEvent's
/// <c>traceparent</c> extension (with its <c>tracestate</c>), validated.
/// </summary>
public sealed record QueueChange(ReadOnlyMemory<byte> Document, string TokenId, string Envelope, string? EventId, Refused? Invalid, ActivityContext? TraceParent = null);
