namespace AccessTokenGateway.Audit;

/// <summary>Who sent the change, as the record names them.</summary>
public sealed record AuditCaller(string Kind, string? Id);
