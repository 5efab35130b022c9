using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Tests.Policy;

/// <summary>The edges of the approval, self-protection and grant-length rules that the rule tables do not reach.</summary>
public sealed class PolicyEdgeTests
{
    private static readonly TokenState ReadOnly = new("Read-only API token", true, false, false, "34");

    private static ChangePolicy Policy(PolicyOptions policy, ApprovalsOptions? approvals = null) =>
        new(new Monitor<PolicyOptions>(policy), new Monitor<ApprovalsOptions>(approvals ?? new ApprovalsOptions()));

    private static AccessTokenResource Token(string id) =>
        AccessTokenResource.TryRead(TokenJson.UpdateDocument(id, ReadOnly), bearer: "the-gateways-bearer")!;

    [Fact]
    public void The_configured_gateway_token_is_refused_and_no_other_token_is()
    {
        var policy = Policy(new PolicyOptions { GatewayTokenId = "102" });

        var refused = policy.CheckSelf(Token("102"));

        Assert.Equal((PolicyCodes.GatewayToken, "id"), (refused?.Code, refused?.FieldName));
        Assert.False(string.IsNullOrEmpty((string?)refused!.Details["message"]));
        Assert.Null(policy.CheckSelf(Token("103")));
        Assert.Null(Policy(new PolicyOptions()).CheckSelf(Token("102")));
    }

    [Fact]
    public void A_caller_of_a_kind_that_cannot_be_trusted_is_not_trusted_whatever_the_entries_say()
    {
        Assert.False(TrustedCallers.Contains(["anonymous:x"], new CallerIdentity(CallerKinds.Anonymous, "x")));
        Assert.False(TrustedCallers.Contains(["signer:webhook"], new CallerIdentity(CallerKinds.Signer, null)));
        Assert.True(TrustedCallers.Contains(["signer:webhook"], new CallerIdentity(CallerKinds.Signer, "webhook")));
    }

    [Fact]
    public void A_principal_entry_matches_the_principal_in_its_one_form_and_only_with_a_provider()
    {
        Assert.True(TrustedCallers.Contains(["principal:aad:bob@example.com"], new CallerIdentity(CallerKinds.Principal, "AAD:Bob@Example.com")));
        // An id without a provider ("…::name") is no principal entry: compared as written only.
        Assert.False(TrustedCallers.Contains(["principal::bob@example.com"], new CallerIdentity(CallerKinds.Principal, ":Bob@example.com")));
    }

    [Fact]
    public void Only_a_principal_is_a_person()
    {
        Assert.Null(TrustedCallers.PersonOf(new CallerIdentity(CallerKinds.Signer, "webhook")));
        Assert.Null(TrustedCallers.PersonOf(new CallerIdentity(CallerKinds.Principal, null)));
        Assert.Equal("bob@example.com", TrustedCallers.PersonOf(new CallerIdentity(CallerKinds.Principal, "aad:Bob@Example.com")));
        Assert.Equal("bob@example.com", TrustedCallers.PersonOf(new CallerIdentity(CallerKinds.Principal, ":bob@example.com")));
        Assert.Equal("bob@example.com", TrustedCallers.PersonOf(new CallerIdentity(CallerKinds.Principal, "bob@example.com")));
    }

    [Theory]
    [InlineData("signer:webhook", null)]
    [InlineData("principal:aad:bob@example.com", null)]
    [InlineData("webhook", "is not <kind>:<id>")]
    [InlineData(":webhook", "is not <kind>:<id>")]
    [InlineData("signer:", "is not <kind>:<id>")]
    [InlineData("anonymous:x", "names the caller kind 'anonymous'; it must be one of principal, signer, function_key, queue")]
    public void A_malformed_trusted_caller_entry_is_named_and_explained(string entry, string? problem)
    {
        var found = TrustedCallers.Problem(entry);

        if (problem is null) Assert.Null(found);
        else Assert.Equal($"'{entry}' {problem}", found);
    }

    [Fact]
    public void An_untrusted_approval_and_a_relayed_one_are_refused_with_messages_that_say_why()
    {
        var change = new ChangeDocument("312", ReadOnly with { CanAccessCma = true },
            new ChangeMetadata(RequestedBy: "alice@example.com", ApprovedBy: "bob@example.com", Expected: ReadOnly));
        var untrusted = Policy(new PolicyOptions()).CheckTransition(ReadOnly, change, new ChangeOrigin(OriginKind.Caller, new CallerIdentity(CallerKinds.Signer, "other")));
        var relayed = Policy(new PolicyOptions(), new ApprovalsOptions { TrustedCallers = ["signer:webhook"], RequireApproverIsCaller = true })
            .CheckTransition(ReadOnly, change, new ChangeOrigin(OriginKind.Caller, new CallerIdentity(CallerKinds.Signer, "webhook")));

        Assert.Equal((PolicyCodes.ApproverNotTrusted, "meta.approved_by"), (untrusted?.Code, untrusted?.FieldName));
        Assert.Contains("(signer)", (string?)untrusted!.Details["message"]);
        Assert.Equal((PolicyCodes.ApproverNotCaller, "meta.approved_by"), (relayed?.Code, relayed?.FieldName));
        Assert.Contains("Approvals:RequireApproverIsCaller", (string?)relayed!.Details["message"]);
    }

    [Fact]
    public void A_grant_may_last_up_to_its_maximum_and_not_a_second_more()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var policy = Policy(new PolicyOptions { MaxGrantDuration = TimeSpan.FromDays(30), MaxGrantDurationByRole = { ["35"] = TimeSpan.FromDays(1) } });
        ChangeDocument Grant(TimeSpan ahead, string role = "34") =>
            new("312", ReadOnly with { CanAccessCma = true, RoleId = role }, new ChangeMetadata(ExpiresAt: now + ahead));

        Assert.Null(policy.CheckExpiry(Grant(TimeSpan.FromDays(30)), now));
        var tooLong = policy.CheckExpiry(Grant(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1)), now);
        Assert.Equal((PolicyCodes.GrantTooLong, "meta.expires_at"), (tooLong?.Code, tooLong?.FieldName));
        Assert.Contains("30 days", (string?)tooLong!.Details["message"]);
        Assert.Contains("1 days", (string?)policy.CheckExpiry(Grant(TimeSpan.FromDays(2), role: "35"), now)!.Details["message"]);
        Assert.Null(policy.CheckExpiry(new ChangeDocument("312", ReadOnly, new ChangeMetadata()), now));
    }

    [Fact]
    public void An_escalation_without_the_state_the_approver_saw_is_refused_by_default_and_passes_where_policy_says_so()
    {
        // An old approval for something harmless must not land on a token changed since (an off-boarding revocation).
        var change = new ChangeDocument("312", ReadOnly with { CanAccessCma = true }, new ChangeMetadata(RequestedBy: "alice@example.com", ApprovedBy: "bob@example.com"));
        var origin = new ChangeOrigin(OriginKind.Caller, new CallerIdentity(CallerKinds.Signer, "webhook"));
        var approvals = new ApprovalsOptions { TrustedCallers = ["signer:webhook"] };

        var refused = Policy(new PolicyOptions(), approvals).CheckTransition(ReadOnly, change, origin);

        Assert.True(new PolicyOptions().RequireExpectedForEscalation);
        Assert.Equal((PolicyCodes.ExpectedRequired, "meta.expected", 403), (refused?.Code, refused?.FieldName, refused is null ? 0 : JsonApi.ErrorStatus.Of(refused)));
        Assert.Contains("meta.expected", (string?)refused!.Details["message"]);
        Assert.Null(Policy(new PolicyOptions { RequireExpectedForEscalation = false }, approvals).CheckTransition(ReadOnly, change, origin));
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
