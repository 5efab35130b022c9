namespace AccessTokenGateway.Policy;

/// <summary>Codes of policy refusals, each its own so an approval tool can tell them apart.</summary>
public static class PolicyCodes
{
    public const string ProtectedToken = "POLICY_PROTECTED_TOKEN";
    public const string RoleNotAllowed = "POLICY_ROLE_NOT_ALLOWED";
    public const string TicketRequired = "POLICY_TICKET_REQUIRED";
    public const string ApprovalRequired = "POLICY_APPROVAL_REQUIRED";
    public const string QueueMayNotGrant = "POLICY_QUEUE_MAY_NOT_GRANT";
    /// <summary>The change would touch the gateway's own CMA token: it could lock the gateway out of DatoCMS.</summary>
    public const string GatewayToken = "POLICY_GATEWAY_TOKEN";
    /// <summary>An escalation names an approver, but its caller is not one configured to assert approvals.</summary>
    public const string ApproverNotTrusted = "POLICY_APPROVER_NOT_TRUSTED";
    /// <summary>Strict approvals: the approver must be the authenticated caller itself.</summary>
    public const string ApproverNotCaller = "POLICY_APPROVER_NOT_CALLER";
    public const string ExpectedRequired = "POLICY_EXPECTED_REQUIRED";
    public const string GrantTooLong = "POLICY_GRANT_TOO_LONG";
}
