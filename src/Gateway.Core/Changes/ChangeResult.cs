using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>
/// What the pipeline answers: the outcome, and whether its audit record landed. Only an applied change can be left
/// unrecorded (its intent record stands); any other outcome that cannot be recorded becomes <see cref="Unavailable"/>.
/// </summary>
public sealed record ChangeResult(string AuditId, string CorrelationId, Outcome Outcome, bool OutcomeRecorded)
{
    /// <summary>A later attempt could still do better: the queue has the message delivered again.</summary>
    public bool ShouldRetry => Outcome.IsTransient || !OutcomeRecorded;
}
