using AccessTokenGateway.Changes;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Tests.Policy;

/// <summary>
/// The organisation's rules, one row per case: <see cref="ChangePolicy.CheckRequest"/> on the request alone, then
/// <see cref="ChangePolicy.CheckTransition"/> on the token's state before and the origin. A refusal is a 403 with the
/// rule's own code and the member it names.
/// </summary>
public sealed class ChangePolicyTests
{
    private static readonly TokenState ReadOnly = new("Read-only API token", true, false, false, "34");

    private static ChangePolicy Policy(Action<PolicyOptions>? configure = null)
    {
        var options = new PolicyOptions();
        configure?.Invoke(options);
        // The callers of these tests are trusted to assert approvals: who may approve is ApprovalPolicyTests' subject.
        var approvals = new ApprovalsOptions { TrustedCallers = ["function_key:approval-tool", "queue:access-token-changes"] };
        return new ChangePolicy(new OptionsMonitorStub(options), new ApprovalsMonitorStub(approvals));
    }

    private static ChangeDocument Change(string id = "312", TokenState? requested = null, string? requestedBy = null, string? approvedBy = null, string? ticket = null) =>
        // Every change carries the state the approver saw, as an escalation must (Policy:RequireExpectedForEscalation).
        new(id, requested ?? ReadOnly, new ChangeMetadata(RequestedBy: requestedBy, ApprovedBy: approvedBy, Ticket: ticket, Expected: ReadOnly));

    private static ChangeOrigin From(OriginKind kind) => new(kind, kind == OriginKind.Caller
        ? new CallerIdentity(CallerKinds.FunctionKey, "approval-tool")
        : new CallerIdentity(CallerKinds.Queue, "access-token-changes"));

    private static void AssertRefused(Refused? refused, string code, string field)
    {
        Assert.NotNull(refused);
        Assert.Equal(403, ErrorStatus.Of(refused));
        Assert.Equal(RefusalKind.Forbidden, refused.Kind);
        Assert.Equal(code, refused.Code);
        Assert.Equal(field, refused.FieldName);
        Assert.Equal("POLICY", (string?)refused.Details["code"]);
        Assert.False(string.IsNullOrEmpty((string?)refused.Details["message"]));
    }

    // CheckRequest

    [Fact]
    public void With_no_policy_configured_any_request_passes()
    {
        Assert.Null(Policy().CheckRequest(Change(requested: ReadOnly with { RoleId = null })));
    }

    [Theory]
    [InlineData("101", true)]
    [InlineData("555", true)]
    [InlineData("312", false)]
    [InlineData("1010", false)]  // not a prefix match
    [InlineData("ABC", false)]   // ids compare exactly, case included
    [InlineData("abc", true)]
    public void A_protected_token_may_not_be_changed(string id, bool refused)
    {
        var result = Policy(p => p.ProtectedTokenIds = ["101", "555", "abc"]).CheckRequest(Change(id));

        if (refused) AssertRefused(result, PolicyCodes.ProtectedToken, "id");
        else Assert.Null(result);
    }

    [Theory]
    [InlineData("34", false)]
    [InlineData("36", false)]
    [InlineData("35", true)]
    [InlineData("340", true)]
    [InlineData(null, true)]      // no role at all is not an allowed role
    public void Only_allowed_roles_may_be_assigned_when_a_list_is_configured(string? roleId, bool refused)
    {
        var result = Policy(p => p.AllowedRoleIds = ["34", "36"]).CheckRequest(Change(requested: ReadOnly with { RoleId = roleId }));

        if (refused) AssertRefused(result, PolicyCodes.RoleNotAllowed, "role");
        else Assert.Null(result);
    }

    [Theory]
    [InlineData("34")]
    [InlineData(null)]
    public void An_empty_allowed_role_list_allows_any_role_and_none(string? roleId)
    {
        Assert.Null(Policy(p => p.AllowedRoleIds = []).CheckRequest(Change(requested: ReadOnly with { RoleId = roleId })));
    }

    [Theory]
    [InlineData("CHG-1042", false)]
    [InlineData("CHG-1", false)]
    [InlineData(null, true)]
    [InlineData("chg-1042", true)]   // the pattern is case-sensitive
    [InlineData("CHG-1042x", true)]
    [InlineData("INC-1042", true)]
    public void A_ticket_pattern_requires_a_matching_ticket(string? ticket, bool refused)
    {
        var result = Policy(p => p.TicketPattern = "^CHG-[0-9]+$").CheckRequest(Change(ticket: ticket));

        if (refused)
        {
            AssertRefused(result, PolicyCodes.TicketRequired, "meta.ticket");
            Assert.Contains("^CHG-[0-9]+$", (string?)result!.Details["message"]);
        }
        else Assert.Null(result);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_ticket_pattern_no_ticket_is_needed(string? pattern)
    {
        Assert.Null(Policy(p => p.TicketPattern = pattern).CheckRequest(Change(ticket: null)));
    }

    [Fact]
    public void A_ticket_pattern_that_times_out_refuses_rather_than_lets_through()
    {
        // Catastrophic backtracking: far past the pattern's 100 ms budget, so the match times out and fails closed.
        var result = Policy(p => p.TicketPattern = "^(a+)+$").CheckRequest(Change(ticket: new string('a', 40) + "!"));

        AssertRefused(result, PolicyCodes.TicketRequired, "meta.ticket");
    }

    [Fact]
    public void A_changed_ticket_pattern_takes_effect_on_the_next_request()
    {
        var options = new PolicyOptions { TicketPattern = "^CHG-[0-9]+$" };
        var policy = new ChangePolicy(new OptionsMonitorStub(options));
        Assert.Null(policy.CheckRequest(Change(ticket: "CHG-1")));

        options.TicketPattern = "^INC-[0-9]+$";

        AssertRefused(policy.CheckRequest(Change(ticket: "CHG-1")), PolicyCodes.TicketRequired, "meta.ticket");
        Assert.Null(policy.CheckRequest(Change(ticket: "INC-1")));
        Assert.Null(policy.CheckRequest(Change(ticket: "INC-2")));
    }

    [Fact]
    public void The_first_rule_broken_is_the_one_named_protected_then_role_then_ticket()
    {
        var policy = Policy(p => { p.ProtectedTokenIds = ["312"]; p.AllowedRoleIds = ["36"]; p.TicketPattern = "^CHG-[0-9]+$"; });

        AssertRefused(policy.CheckRequest(Change("312")), PolicyCodes.ProtectedToken, "id");
        AssertRefused(policy.CheckRequest(Change("313")), PolicyCodes.RoleNotAllowed, "role");
        AssertRefused(policy.CheckRequest(Change("313", ReadOnly with { RoleId = "36" })), PolicyCodes.TicketRequired, "meta.ticket");
    }

    // CheckTransition

    public static TheoryData<string, TokenState> Escalations() => new()
    {
        { "can_access_cda turned on", ReadOnly with { CanAccessCda = false } },
        { "can_access_cda_preview turned on", ReadOnly },
        { "can_access_cma turned on", ReadOnly },
        { "another role", ReadOnly with { RoleId = "35" } },
        { "a role where there was none", ReadOnly with { RoleId = null } },
    };

    /// <summary>The state each escalation row's change asks for, from the row's state before.</summary>
    private static TokenState Escalated(string escalation, TokenState before) => escalation switch
    {
        "can_access_cda turned on" => before with { CanAccessCda = true },
        "can_access_cda_preview turned on" => before with { CanAccessCdaPreview = true },
        "can_access_cma turned on" => before with { CanAccessCma = true },
        _ => before with { RoleId = "34" },
    };

    [Theory]
    [MemberData(nameof(Escalations))]
    public void Escalation_without_an_approver_is_refused(string escalation, TokenState before)
    {
        var change = Change(requested: Escalated(escalation, before), requestedBy: "alice@example.com");

        AssertRefused(Policy().CheckTransition(before, change, From(OriginKind.Caller)), PolicyCodes.ApprovalRequired, "meta.approved_by");
    }

    [Theory]
    [MemberData(nameof(Escalations))]
    public void Escalation_approved_by_someone_else_passes(string escalation, TokenState before)
    {
        var change = Change(requested: Escalated(escalation, before), requestedBy: "alice@example.com", approvedBy: "bob@example.com");

        Assert.Null(Policy().CheckTransition(before, change, From(OriginKind.Caller)));
    }

    [Theory]
    [InlineData("alice@example.com", null)]
    [InlineData(null, "bob@example.com")]
    [InlineData(null, null)]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("alice@example.com", "Alice@Example.COM")]   // the same person, however spelt
    public void Escalation_needs_a_requester_and_an_approver_who_is_someone_else(string? requestedBy, string? approvedBy)
    {
        var change = Change(requested: ReadOnly with { CanAccessCma = true }, requestedBy: requestedBy, approvedBy: approvedBy);

        AssertRefused(Policy().CheckTransition(ReadOnly, change, From(OriginKind.Caller)), PolicyCodes.ApprovalRequired, "meta.approved_by");
    }

    [Fact]
    public void Escalation_needs_no_distinct_approver_when_policy_says_so()
    {
        var change = Change(requested: ReadOnly with { CanAccessCma = true }, requestedBy: "alice@example.com", approvedBy: "alice@example.com");

        Assert.Null(Policy(p => p.RequireDistinctApproverForEscalation = false).CheckTransition(ReadOnly, change, From(OriginKind.Caller)));
    }

    public static TheoryData<string, TokenState> NonEscalations() => new()
    {
        { "renamed", ReadOnly with { Name = "Renamed" } },
        { "can_access_cda turned off", ReadOnly with { CanAccessCda = false } },
        { "unchanged", ReadOnly },
    };

    [Theory]
    [MemberData(nameof(NonEscalations))]
    public void Change_that_grants_nothing_passes_from_any_origin_without_an_approver(string change, TokenState requested)
    {
        foreach (var origin in Enum.GetValues<OriginKind>())
        {
            var refused = Policy().CheckTransition(ReadOnly, Change(requested: requested), From(origin));
            Assert.True(refused is null, $"{change}, from {origin}: {refused?.Code}");
        }
    }

    [Fact]
    public void Queue_may_not_grant_by_default_even_with_a_distinct_approver()
    {
        var change = Change(requested: ReadOnly with { CanAccessCma = true }, requestedBy: "alice@example.com", approvedBy: "bob@example.com");

        AssertRefused(Policy().CheckTransition(ReadOnly, change, From(OriginKind.Event)), PolicyCodes.QueueMayNotGrant, "data");
    }

    [Fact]
    public void Queue_that_may_grant_still_needs_a_distinct_approver()
    {
        var policy = Policy(p => p.QueueMayGrant = true);
        var unapproved = Change(requested: ReadOnly with { CanAccessCma = true }, requestedBy: "alice@example.com");
        var approved = unapproved with { Meta = unapproved.Meta with { ApprovedBy = "bob@example.com" } };

        AssertRefused(policy.CheckTransition(ReadOnly, unapproved, From(OriginKind.Event)), PolicyCodes.ApprovalRequired, "meta.approved_by");
        Assert.Null(policy.CheckTransition(ReadOnly, approved, From(OriginKind.Event)));
    }

    [Fact]
    public void Nothing_skips_the_escalation_rules_whatever_its_origin_claims()
    {
        // The end of a grant is no request: the grant registry makes it and it only revokes. So an escalation that says it
        // comes from the gateway's schedule meets the same rules as any other (a forged revert granted Admin once).
        var restore = Change(requested: ReadOnly with { CanAccessCma = true, RoleId = "35" });

        AssertRefused(Policy().CheckTransition(ReadOnly, restore, From(OriginKind.Schedule)), PolicyCodes.ApprovalRequired, "meta.approved_by");
    }

    private sealed class OptionsMonitorStub(PolicyOptions value) : IOptionsMonitor<PolicyOptions>
    {
        public PolicyOptions CurrentValue => value;
        public PolicyOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<PolicyOptions, string?> listener) => null;
    }

    private sealed class ApprovalsMonitorStub(ApprovalsOptions value) : IOptionsMonitor<ApprovalsOptions>
    {
        public ApprovalsOptions CurrentValue => value;
        public ApprovalsOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ApprovalsOptions, string?> listener) => null;
    }
}
