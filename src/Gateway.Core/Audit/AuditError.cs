namespace AccessTokenGateway.Audit;

/// <summary>Why a change was refused or failed: the status the caller saw, the code, the field at fault.</summary>
public sealed record AuditError(int Status, string Code, string? Field);
