namespace AccessTokenGateway.Changes;

/// <summary>The product's queues: fixed names, so the trigger, the app, the infra and the docs agree. Not settings.</summary>
public static class QueueNames
{
    public const string Changes = "access-token-changes";
    public const string ChangesPoison = "access-token-changes-poison";
    public const string Audit = "access-token-audit";
    /// <summary>Reverts of expiring grants: written by the app alone (no event sender may), sealed with the revert key.</summary>
    public const string GrantReverts = "access-token-grant-reverts";
    public const string GrantRevertsPoison = "access-token-grant-reverts-poison";
}
