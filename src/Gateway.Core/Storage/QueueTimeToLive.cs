namespace AccessTokenGateway.Storage;

/// <summary>
/// The time-to-live of every message the gateway sends, on every queue: none. A queue's default is 7 days, after
/// which an unread audit record or a revert due later would silently vanish. A test checks that every send uses it.
/// </summary>
public static class QueueTimeToLive
{
    /// <summary>-1 second: the Storage queue's "never expires".</summary>
    public static readonly TimeSpan Never = TimeSpan.FromSeconds(-1);
}
