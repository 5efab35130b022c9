namespace AccessTokenGateway.Audit;

/// <summary>One field that differs, its values as text.</summary>
public sealed record AuditFieldChange(string Field, string? From, string? To);
