namespace AccessTokenGateway.Diagnostics;

/// <summary>
/// One observation of what waits: the age of the oldest visible change message (seconds; 0 when none), the change and
/// poison queues' approximate lengths, and the grants in force. A part that could not be read is null.
/// </summary>
public sealed record Backlog(double? OldestChangeAgeSeconds, long? ChangesLength, long? PoisonLength, int? ActiveGrants, int? OverdueGrants);
