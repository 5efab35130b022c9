using System.Text.RegularExpressions;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Policy;

/// <summary>
/// The organisation's rules, evaluated before any write. <see cref="CheckRequest"/> needs only the request (and runs again once a partial change is merged) and
/// runs before DatoCMS is asked anything; <see cref="CheckTransition"/> needs the token's current state.
/// </summary>
public sealed class ChangePolicy(IOptionsMonitor<PolicyOptions> options, IOptionsMonitor<ApprovalsOptions>? approvals = null)
{
    private (string? Pattern, Regex? Regex) _ticket;

    public Refused? CheckRequest(ChangeDocument change)
    {
        var policy = options.CurrentValue;
        if (policy.GatewayTokenId is { Length: > 0 } own && string.Equals(own, change.TokenId, StringComparison.Ordinal))
            return GatewayToken();
        if (policy.ProtectedTokenIds.Contains(change.TokenId, StringComparer.Ordinal))
            return Refuse(PolicyCodes.ProtectedToken, "id", "This token is protected by policy: no change may be made to it through the gateway.");
        // A role left out is known once the token is read: the pipeline runs this again on the merged change.
        var roleKnown = change.Requested is not null || change.Patch.RoleId is not null;
        if (policy.AllowedRoleIds.Count > 0 && roleKnown && (change.RoleId is null || !policy.AllowedRoleIds.Contains(change.RoleId, StringComparer.Ordinal)))
            return Refuse(PolicyCodes.RoleNotAllowed, "role", "Policy does not allow assigning this role.");
        if (TicketRegex(policy.TicketPattern) is { } regex && (change.Meta.Ticket is null || !IsMatch(regex, change.Meta.Ticket)))
            return Refuse(PolicyCodes.TicketRequired, "meta.ticket", $"Policy requires a ticket matching {policy.TicketPattern}.");
        return null;
    }

    /// <summary>
    /// The token as DatoCMS describes it: the gateway's own CMA token (by configuration, or because DatoCMS's answer
    /// carries the very secret the gateway authenticated with) is never changed through the gateway, on any path.
    /// </summary>
    public Refused? CheckSelf(AccessTokenResource current)
    {
        var own = options.CurrentValue.GatewayTokenId;
        return current.IsTheBearer || (own is { Length: > 0 } && string.Equals(own, current.Id, StringComparison.Ordinal)) ? GatewayToken() : null;
    }

    public Refused? CheckTransition(TokenState before, ChangeDocument change, ChangeOrigin origin)
    {
        var policy = options.CurrentValue;
        // Whatever a request claims to be, an escalation meets these rules: the end of a grant is no request (the grant
        // registry makes it, and it only revokes), so nothing here is ever skipped.
        if (!before.IsEscalatedBy(change.Full)) return null;

        if (origin.Kind == OriginKind.Event && !policy.QueueMayGrant)
            return Refuse(PolicyCodes.QueueMayNotGrant, "data", "Changes from the queue may only revoke access; this one grants a flag or changes the role.");
        if (policy.RequireDistinctApproverForEscalation
            && (change.Meta.ApprovedBy is null || change.Meta.RequestedBy is null
                || string.Equals(change.Meta.ApprovedBy, change.Meta.RequestedBy, StringComparison.OrdinalIgnoreCase)))
            return Refuse(PolicyCodes.ApprovalRequired, "meta.approved_by", "This change grants access: it needs requested_by and an approved_by that is someone else.");
        if (policy.RequireExpectedForEscalation && change.Meta.Expected is null)
            return Refuse(PolicyCodes.ExpectedRequired, "meta.expected", "This change grants access: it needs meta.expected, the token's state as the approver saw it, so that it is applied only to that state.");
        if (policy.RequireDistinctApproverForEscalation)
            return CheckApprover(change.Meta.ApprovedBy!, origin.Caller, approvals?.CurrentValue ?? new ApprovalsOptions());
        return null;
    }

    /// <summary>An approval counts only from a caller trusted to assert one, and in the strict form only as that caller's own.</summary>
    private static Refused? CheckApprover(string approvedBy, CallerIdentity caller, ApprovalsOptions trust)
    {
        if (!TrustedCallers.Contains(trust.TrustedCallers, caller))
            return Refuse(PolicyCodes.ApproverNotTrusted, "meta.approved_by",
                $"This caller ({caller.Kind}) is not configured to assert approvals (Approvals:TrustedCallers); the approval it names does not count.");
        if (trust.RequireApproverIsCaller && TrustedCallers.PersonOf(caller) != approvedBy)
            return Refuse(PolicyCodes.ApproverNotCaller, "meta.approved_by",
                "Approvals must come from the approver itself (Approvals:RequireApproverIsCaller): approved_by must be the authenticated caller.");
        return null;
    }

    /// <summary>An expiring grant lasts at most <c>Policy:MaxGrantDuration</c>, or the maximum of the role it assigns.</summary>
    public Refused? CheckExpiry(ChangeDocument change, DateTimeOffset now)
    {
        if (change.Meta.ExpiresAt is not { } expiresAt) return null;
        // The maximum depends on the role: one left out is known once the token is read, and this runs again then.
        if (change.Requested is null && change.Patch.RoleId is null) return null;
        var policy = options.CurrentValue;
        var max = change.RoleId is { } role && policy.MaxGrantDurationByRole.TryGetValue(role, out var forRole) ? forRole : policy.MaxGrantDuration;
        return expiresAt - now > max
            ? Refuse(PolicyCodes.GrantTooLong, "meta.expires_at", $"Policy allows a grant of at most {max.TotalDays:0.##} days for this role; expires_at is further ahead.")
            : null;
    }

    private Regex? TicketRegex(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern)) return null;
        var cached = _ticket;
        if (cached.Pattern == pattern) return cached.Regex;
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        _ticket = (pattern, regex);
        return regex;
    }

    private static bool IsMatch(Regex regex, string value)
    {
        try { return regex.IsMatch(value); }
        catch (RegexMatchTimeoutException) { return false; }
    }

    private static Refused GatewayToken() =>
        Refuse(PolicyCodes.GatewayToken, "id", "This is the gateway's own CMA token: changing it through the gateway could lock the gateway out of DatoCMS. Change it in DatoCMS directly.");

    private static Refused Refuse(string code, string field, string message) => Refused.Field(RefusalKind.Forbidden, code, field, "POLICY", message);
}
