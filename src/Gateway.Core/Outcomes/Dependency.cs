namespace AccessTokenGateway.Outcomes;

/// <summary>What the gateway depends on and may find unavailable. Each has its own error code.</summary>
public enum Dependency
{
    /// <summary>Key Vault: the CMA token or the signing secret.</summary>
    KeyVault,
    /// <summary>The audit trail: without a record of intent, nothing is applied.</summary>
    AuditTrail,
    /// <summary>The token's lock: another change held it too long.</summary>
    TokenLock,
    /// <summary>The grant registry, or the queue that carries an expiring grant's revert.</summary>
    RevertSchedule,
    /// <summary>The store of signatures already seen: without it a replay cannot be ruled out.</summary>
    ReplayStore,
    /// <summary>DatoCMS's rate limit, for longer than the request may wait.</summary>
    DatoCmsRateLimit,
}
