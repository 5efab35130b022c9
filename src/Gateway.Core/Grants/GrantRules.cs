using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Grants;

/// <summary>
/// The rules of time-bound grants, as PIM writes down its assignments, field by field:
/// <list type="bullet">
/// <item>a change with <c>expires_at</c> grants each field it escalates (a flag turned on, another role) until then; a
/// field already held by an active grant and requested at its granted value is renewed: the new expiry replaces
/// the old, shorter or longer;</item>
/// <item><c>expires_at</c> on a change that escalates and renews nothing is refused: a revocation or a rename cannot
/// expire (an "expiring revocation" would hand access back unapproved);</item>
/// <item>any change to a field held by a grant (a revocation, or an approved permanent change) ends that grant: the
/// timer no longer applies to it; a field the change leaves as it is keeps its grant (a rename never saves one);</item>
/// <item>a grant must be able to end: on a token with no role the role cannot be put back, so no expiring change to
/// it is taken.</item>
/// </list>
/// </summary>
public static class GrantRules
{
    public static Step<GrantPlan> Plan(TokenState current, ChangeDocument change, IReadOnlyList<Grant> active, string auditId, DateTimeOffset now)
    {
        var granted = new List<Grant>();
        var replaced = new List<Grant>();
        var ended = new List<Grant>();
        var expiresAt = change.Meta.ExpiresAt;

        if (expiresAt is not null && current.RoleId is null)
            return Refuse("VALIDATION_NOT_REVERTIBLE",
                "This token has no role, and DatoCMS cannot be asked to put a role back to none: an expiring grant on it could never end. Assign its role permanently first (without expires_at), then grant.");

        foreach (var field in GrantFields.All)
        {
            var before = GrantFields.Get(current, field);
            var requested = GrantFields.Get(change.Full, field);
            var held = active.FirstOrDefault(g => g.Field == field);

            if (expiresAt is { } at && GrantFields.Escalates(field, before, requested))
            {
                // The value to return to is the one before any grant: a grant on top of a grant still ends at the original.
                granted.Add(NewGrant(change, field, requested, held?.ValueBefore ?? before, at, auditId, now));
                if (held is not null) replaced.Add(held);
            }
            else if (expiresAt is { } renewAt && held is not null && requested == held.GrantedValue && before == held.GrantedValue)
            {
                granted.Add(NewGrant(change, field, requested, held.ValueBefore, renewAt, auditId, now));
                replaced.Add(held);
            }
            else if (held is not null && !string.Equals(before, requested, StringComparison.Ordinal))
            {
                ended.Add(held);
            }
        }

        if (expiresAt is not null && granted.Count == 0)
            return Refuse("VALIDATION_NOT_ESCALATION",
                "expires_at is only for a change that grants access (turns a flag on or changes the role) or renews an active grant; this change grants nothing, so it cannot expire. Send it without expires_at.");
        return new GrantPlan(granted, replaced, ended);
    }

    private static Grant NewGrant(ChangeDocument change, string field, string? value, string? before, DateTimeOffset expiresAt, string auditId, DateTimeOffset now) =>
        new(change.TokenId, field, value, before, expiresAt, auditId, change.Meta.RequestedBy, change.Meta.ApprovedBy, change.Meta.Ticket, now);

    private static Refused Refuse(string rule, string message) =>
        Refused.Field(RefusalKind.Invalid, ErrorCodes.InvalidMeta, "meta.expires_at", rule, message);
}
