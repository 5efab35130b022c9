namespace AccessTokenGateway.Audit;

/// <summary>DatoCMS's last answer to the change: its status and X-Request-Id.</summary>
public sealed record AuditUpstream(int? Status, string? RequestId);
