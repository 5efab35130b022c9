using System.Text.RegularExpressions;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Policy;

/// <summary>
/// The organisation's rules, evaluated before any write. <see cref="CheckRequest"/> needs only the request and
/// runs before DatoCMS is asked anything; <see cref="CheckTransition"/> needs the token's current state.
/// </summary>
public sealed class ChangePolicy(IOptionsMonitor<PolicyOptions> options)
{
    private (string? Pattern, Regex? Regex) _ticket;

    public Refused? CheckRequest(ChangeDocument change)
    {
        var policy = options.CurrentValue;
        if (policy.ProtectedTokenIds.Contains(change.TokenId, StringComparer.Ordinal))
            return Refuse(PolicyCodes.ProtectedToken, "id", "This token is protected by policy: no change may be made to it through the gateway.");
        if (policy.AllowedRoleIds.Count > 0 && (change.Requested.RoleId is null || !policy.AllowedRoleIds.Contains(change.Requested.RoleId, StringComparer.Ordinal)))
            return Refuse(PolicyCodes.RoleNotAllowed, "role", "Policy does not allow assigning this role.");
        if (TicketRegex(policy.TicketPattern) is { } regex && (change.Meta.Ticket is null || !IsMatch(regex, change.Meta.Ticket)))
            return Refuse(PolicyCodes.TicketRequired, "meta.ticket", $"Policy requires a ticket matching {policy.TicketPattern}.");
        return null;
    }

    public Refused? CheckTransition(TokenState before, ChangeDocument change, ChangeOrigin origin)
    {
        var policy = options.CurrentValue;
        // A scheduled revert restores the state that held before an approved grant, and only if the token is
        // still exactly as granted (meta.expected); it needs no approval of its own.
        if (!before.IsEscalatedBy(change.Requested) || origin.Kind == OriginKind.Schedule) return null;

        if (origin.Kind == OriginKind.Event && !policy.QueueMayGrant)
            return Refuse(PolicyCodes.QueueMayNotGrant, "data", "Changes from the queue may only revoke access; this one grants a flag or changes the role.");
        if (policy.RequireDistinctApproverForEscalation
            && (change.Meta.ApprovedBy is null || change.Meta.RequestedBy is null
                || string.Equals(change.Meta.ApprovedBy, change.Meta.RequestedBy, StringComparison.OrdinalIgnoreCase)))
            return Refuse(PolicyCodes.ApprovalRequired, "meta.approved_by", "This change grants access: it needs requested_by and an approved_by that is someone else.");
        return null;
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

    private static Refused Refuse(string code, string field, string message) => Refused.Field(RefusalKind.Forbidden, code, field, "POLICY", message);
}
