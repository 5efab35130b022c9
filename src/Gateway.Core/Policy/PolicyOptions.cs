namespace AccessTokenGateway.Policy;

/// <summary>The organisation's rules for token changes, from configuration (<c>Policy:*</c>).</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>Token ids no change may touch (e.g. the production delivery token).</summary>
    public List<string> ProtectedTokenIds { get; set; } = [];

    /// <summary>Roles a change may assign. Empty: any role.</summary>
    public List<string> AllowedRoleIds { get; set; } = [];

    /// <summary>An escalation (a flag turned on, or a role change) needs <c>approved_by</c> set and different from <c>requested_by</c>.</summary>
    public bool RequireDistinctApproverForEscalation { get; set; } = true;

    /// <summary>Whether changes arriving on the queue may escalate. By default the queue path may only revoke or rename.</summary>
    public bool QueueMayGrant { get; set; }

    /// <summary>When set, every change must carry a <c>ticket</c> matching this regular expression.</summary>
    public string? TicketPattern { get; set; }

    /// <summary>
    /// The id of the gateway's own CMA token, refused before DatoCMS is asked anything. Optional: the token is also
    /// recognised when DatoCMS's answer carries the secret the gateway authenticated with.
    /// </summary>
    public string? GatewayTokenId { get; set; }
}
