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
    /// <summary>An escalation must carry <c>meta.expected</c>, the state the approver saw, so an old approval cannot land on a token changed since.</summary>
    public bool RequireExpectedForEscalation { get; set; } = true;

    /// <summary>The longest an expiring grant may last (<c>expires_at</c> at most this far ahead).</summary>
    public TimeSpan MaxGrantDuration { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Per role id (the role the change assigns): a maximum that replaces <see cref="MaxGrantDuration"/>, shorter or longer.</summary>
    public Dictionary<string, TimeSpan> MaxGrantDurationByRole { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The bound on every maximum: a grant is time-bound, and a year and a day is the most a setting may make of it.</summary>
    public static readonly TimeSpan LongestGrantDuration = TimeSpan.FromDays(366);
}
