using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>What a step of the pipeline returns: the trace so far and, once decided, the outcome (null: go on).</summary>
public sealed record Decision(ChangeTrace Trace, Outcome? Outcome);
