namespace AccessTokenGateway.Health;

/// <summary>One dependency's check: up or down, and how long the check took. Never why: an exception's message could quote a request.</summary>
public sealed record DependencyHealth(bool Up, long DurationMs);
