namespace AccessTokenGateway.Changes;

/// <summary>Where a change comes from, as far as the core cares: it never asks which transport brought it.</summary>
public enum OriginKind
{
    /// <summary>A caller that authenticated to the HTTP endpoint (an approval workflow).</summary>
    Caller,
    /// <summary>An event from automation (the change queue).</summary>
    Event,
    /// <summary>
    /// The gateway's own schedule: the revert of an expiring grant, made by the grant registry. No transport produces it:
    /// the change queue's messages are always <see cref="Event"/>, whatever they claim to be.
    /// </summary>
    Schedule,
}
