using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Changes;

/// <summary>
/// A change request as a trigger received it, before anything was checked: the raw body and what came with it.
/// The hosts build one of these and hand it to <see cref="ChangeGateway"/>; they interpret nothing themselves.
/// </summary>
public sealed record ChangeSubmission
{
    public required ChangeSource Source { get; init; }
    /// <summary>The id in the URL (HTTP), or <c>data.id</c> of the document (queue).</summary>
    public required string TokenId { get; init; }
    public required ReadOnlyMemory<byte> Body { get; init; }
    /// <summary>The request's <c>Content-Type</c>; null for queue messages, which have none.</summary>
    public string? ContentType { get; init; }
    /// <summary>The body was longer than <see cref="ValidationLimits.MaxBodyBytes"/> and was not read to the end.</summary>
    public bool BodyTooLarge { get; init; }
    public ChangeHeaders Headers { get; init; } = ChangeHeaders.None;
    public CallerIdentity Caller { get; init; } = CallerIdentity.Anonymous;
    /// <summary>The request's <c>X-Signature</c> header, for webhook senders that sign their requests.</summary>
    public string? Signature { get; init; }
    public required string CorrelationId { get; init; }
    /// <summary>The queue message's dequeue count; 1 over HTTP.</summary>
    public int Attempt { get; init; } = 1;
    /// <summary>No further attempt will follow a transient failure (the queue's last dequeue): it is audited as given up.</summary>
    public bool IsFinalAttempt { get; init; } = true;
    /// <summary>A revert the gateway scheduled itself for an expiring grant.</summary>
    public bool IsScheduledRevert { get; init; }
}
