namespace AccessTokenGateway.DatoCms;

/// <summary>
/// A pacing slot: when the request may go, and which of the pacer's windows it counts against (0: none, come back at
/// <see cref="At"/>); <see cref="Sequence"/> tells the pacer which of its requests an answer is for.
/// </summary>
public readonly record struct PacerSlot(DateTimeOffset At, TimeSpan Wait, long Window, long Sequence = 0);
