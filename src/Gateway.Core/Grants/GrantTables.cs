namespace AccessTokenGateway.Grants;

/// <summary>The grant registry's tables: fixed names, like the queues, so the app, the infra and the docs agree.</summary>
public static class GrantTables
{
    /// <summary>One row per token (partition) and field (row) held by a grant.</summary>
    public const string Grants = "grants";
    /// <summary>One row per revert message already used: a message seen twice is a replay.</summary>
    public const string ConsumedReverts = "grantreverts";
}
