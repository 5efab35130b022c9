using AccessTokenGateway.Grants;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>The grant rules, field by field, as PIM writes its assignments down.</summary>
public sealed class GrantRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TokenState Current = new("Read-only API token", true, false, false, "34");

    private static ChangeDocument Change(TokenState requested, DateTimeOffset? expiresAt) =>
        new("312", requested, new ChangeMetadata(RequestedBy: "alice", ApprovedBy: "bob", Ticket: "CHG-1", ExpiresAt: expiresAt));

    private static Grant Held(string field, string? granted, string? before, DateTimeOffset expiresAt, string id = "g-old") =>
        new("312", field, granted, before, expiresAt, id, "alice", "bob", null, Now.AddHours(-1));

    [Fact]
    public void Each_escalated_field_is_granted_with_its_value_before()
    {
        var plan = GrantRules.Plan(Current, Change(Current with { CanAccessCma = true, RoleId = "35" }, Now.AddHours(1)), [], "g-1", Now).Value!;

        Assert.Equal([("can_access_cma", "true", "false"), ("role_id", "35", "34")], plan.Granted.Select(g => (g.Field, g.GrantedValue, g.ValueBefore)));
        Assert.All(plan.Granted, g => Assert.Equal(("g-1", Now.AddHours(1), "alice", "bob"), (g.GrantId, g.ExpiresAt, g.RequestedBy, g.ApprovedBy)));
        Assert.Empty(plan.Ended);
    }

    [Fact]
    public void Expires_at_on_a_revocation_or_a_rename_is_refused()
    {
        var granted = Current with { CanAccessCdaPreview = true };

        var revocation = GrantRules.Plan(granted, Change(granted with { CanAccessCdaPreview = false }, Now.AddHours(1)), [], "g-1", Now);
        var rename = GrantRules.Plan(Current, Change(Current with { Name = "New" }, Now.AddHours(1)), [], "g-1", Now);

        Assert.Equal(("INVALID_META", "meta.expires_at"), (revocation.Stop!.Code, ((AccessTokenGateway.Outcomes.Refused)revocation.Stop).FieldName));
        Assert.NotNull(rename.Stop);
    }

    [Fact]
    public void A_grant_on_a_token_with_no_role_is_refused()
    {
        var roleless = Current with { RoleId = null };

        var plan = GrantRules.Plan(roleless, Change(roleless with { RoleId = "34", CanAccessCma = true }, Now.AddHours(1)), [], "g-1", Now);

        Assert.NotNull(plan.Stop);
    }

    [Fact]
    public void Re_requesting_a_held_field_renews_it_shorter_or_longer_and_keeps_the_original_value_before()
    {
        var granted = Current with { CanAccessCma = true };
        var held = Held("can_access_cma", "true", "false", Now.AddHours(8));

        var shorter = GrantRules.Plan(granted, Change(granted, Now.AddHours(1)), [held], "g-2", Now).Value!;
        var longer = GrantRules.Plan(granted, Change(granted, Now.AddHours(10)), [held], "g-3", Now).Value!;

        Assert.Equal(("g-2", Now.AddHours(1), "false"), (shorter.Granted.Single().GrantId, shorter.Granted.Single().ExpiresAt, shorter.Granted.Single().ValueBefore));
        Assert.Same(held, shorter.Replaced.Single());
        // Shortening needs no approval; lengthening counts as granting the field again.
        Assert.False(shorter.PolicyBaseline(granted).IsEscalatedBy(granted));
        Assert.True(longer.PolicyBaseline(granted).IsEscalatedBy(granted));
    }

    [Fact]
    public void A_change_to_a_held_field_ends_its_grant_and_a_rename_leaves_it()
    {
        var granted = Current with { CanAccessCma = true, RoleId = "35" };
        var cma = Held("can_access_cma", "true", "false", Now.AddHours(8));
        var role = Held("role_id", "35", "34", Now.AddHours(8));

        var rename = GrantRules.Plan(granted, Change(granted with { Name = "Renamed" }, null), [cma, role], "g-2", Now).Value!;
        var permanentRole = GrantRules.Plan(granted, Change(granted with { RoleId = "36" }, null), [cma, role], "g-2", Now).Value!;
        var revocation = GrantRules.Plan(granted, Change(granted with { CanAccessCma = false }, null), [cma, role], "g-2", Now).Value!;

        Assert.False(rename.ChangesRegistry);
        Assert.Same(role, permanentRole.Ended.Single());
        Assert.Same(cma, revocation.Ended.Single());
    }

    [Fact]
    public void A_grant_over_a_grant_ends_at_the_value_before_the_first()
    {
        var granted = Current with { RoleId = "35" };
        var role = Held("role_id", "35", "34", Now.AddHours(8));

        var plan = GrantRules.Plan(granted, Change(granted with { RoleId = "36" }, Now.AddHours(1)), [role], "g-2", Now).Value!;

        Assert.Equal(("36", "34"), (plan.Granted.Single().GrantedValue, plan.Granted.Single().ValueBefore));
    }
}
