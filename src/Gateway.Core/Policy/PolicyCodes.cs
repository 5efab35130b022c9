namespace AccessTokenGateway.Policy;

/// <summary>Codes of policy refusals, each its own so an approval tool can tell them apart.</summary>
public static class PolicyCodes
{
    public const string ProtectedToken = "POLICY_PROTECTED_TOKEN";
    public const string RoleNotAllowed = "POLICY_ROLE_NOT_ALLOWED";
    public const string TicketRequired = "POLICY_TICKET_REQUIRED";
    public const string ApprovalRequired = "POLICY_APPROVAL_REQUIRED";
    public const string QueueMayNotGrant = "POLICY_QUEUE_MAY_NOT_GRANT";
    public const string ExpectedRequired = "POLICY_EXPECTED_REQUIRED";
    public const string GrantTooLong = "POLICY_GRANT_TOO_LONG";
}
