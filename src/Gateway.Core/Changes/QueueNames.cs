namespace AccessTokenGateway.Changes;

/// <summary>The queues the product is defined by (SPEC.md); fixed, so the trigger, the infra and the docs agree.</summary>
public static class QueueNames
{
    public const string Changes = "access-token-changes";
    public const string ChangesPoison = "access-token-changes-poison";
    public const string Audit = "access-token-audit";
}
