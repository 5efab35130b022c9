using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Tests.Approvals;

/// <summary>An approval counts only from a caller trusted to assert one, and a look-alike of the requester is never its approver.</summary>
public sealed class ApprovalPolicyTests
{
    private static readonly TokenState Before = new("Read-only API token", true, false, false, "34");
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CallerIdentity DefaultKey = new(CallerKinds.FunctionKey, "default");

    private static ChangePolicy Policy(ApprovalsOptions? approvals = null, PolicyOptions? policy = null) =>
        new(OptionsMonitor.Of(policy ?? new PolicyOptions()), OptionsMonitor.Of(approvals ?? new ApprovalsOptions { TrustedCallers = ["function_key:default"] }));

    /// <summary>An escalation (preview access turned on), validated as the pipeline validates it.</summary>
    private static ChangeDocument Escalation(string? requestedBy = "alice@example.com", string? approvedBy = "bob@example.com")
    {
        // The state the approver saw, as every escalation carries it (Policy:RequireExpectedForEscalation).
        var meta = new JsonObject { ["expected"] = TokenJson.ToNode(Before) };
        if (requestedBy is not null) meta["requested_by"] = requestedBy;
        if (approvedBy is not null) meta["approved_by"] = approvedBy;
        var bytes = Encoding.UTF8.GetBytes(Documents.Update("312", preview: true).WithMeta(meta).ToJsonString());
        var step = ChangeDocumentValidator.Validate(bytes, "312", ChangeHeaders.None, Now);
        Assert.Null(step.Stop);
        return step.Value!;
    }

    private static string? CodeOf(ChangePolicy policy, ChangeDocument change, CallerIdentity caller, OriginKind kind = OriginKind.Caller) =>
        policy.CheckTransition(Before, change, new ChangeOrigin(kind, caller))?.Code;

    [Fact]
    public void A_trusted_caller_may_assert_an_approval()
    {
        Assert.Null(CodeOf(Policy(), Escalation(), DefaultKey));
    }

    [Theory]
    [InlineData(CallerKinds.Anonymous, null)]          // a bare function key in Azure: the worker is not told which
    [InlineData(CallerKinds.FunctionKey, "ci-bot")]     // another key than the trusted one
    [InlineData(CallerKinds.Signer, "webhook")]         // signed, but signers are not listed
    [InlineData(CallerKinds.Principal, "aad:mallory@example.com")]
    public void An_escalation_from_an_untrusted_caller_is_refused_even_though_it_names_an_approver(string kind, string? id)
    {
        Assert.Equal(PolicyCodes.ApproverNotTrusted, CodeOf(Policy(), Escalation(), new CallerIdentity(kind, id)));
    }

    [Fact]
    public void With_no_trusted_callers_configured_no_escalation_is_approved()
    {
        Assert.Equal(PolicyCodes.ApproverNotTrusted, CodeOf(Policy(new ApprovalsOptions()), Escalation(), DefaultKey));
    }

    [Fact]
    public void A_missing_approver_is_still_approval_required()
    {
        Assert.Equal(PolicyCodes.ApprovalRequired, CodeOf(Policy(), Escalation(approvedBy: null), DefaultKey));
    }

    [Fact]
    public void A_revocation_needs_no_approval_from_anyone()
    {
        var revoke = Escalation(null, null) with { Requested = Before with { CanAccessCda = false } };
        Assert.Null(CodeOf(Policy(new ApprovalsOptions()), revoke, CallerIdentity.Anonymous));
    }

    [Theory]
    [InlineData("signer:webhook", CallerKinds.Signer, "webhook", true)]
    [InlineData("signer:webhook", CallerKinds.Signer, "webhook:previous", false)]
    [InlineData("principal:aad:approvals@contoso.com", CallerKinds.Principal, "aad:approvals@contoso.com", true)]
    [InlineData("principal:AAD:Approvals@Contoso.com", CallerKinds.Principal, "aad:approvals@contoso.com", true)]
    [InlineData("principal:aad:approvals@contoso.com", CallerKinds.Principal, "aad:аpprovals@contoso.com", false)] // Cyrillic а
    [InlineData("principal:aad:approvals@contoso.com", CallerKinds.Principal, "github:approvals@contoso.com", false)]
    [InlineData("queue:access-token-changes", CallerKinds.Queue, "access-token-changes", true)]
    [InlineData("function_key:default", CallerKinds.Signer, "default", false)]
    public void Trusted_caller_entries_match_kind_and_id_exactly(string entry, string kind, string id, bool trusted)
    {
        Assert.Equal(trusted, TrustedCallers.Contains([entry], new CallerIdentity(kind, id)));
    }

    [Theory]
    [InlineData("webhook")]
    [InlineData("anonymous:x")]
    [InlineData("signer:")]
    [InlineData(":webhook")]
    public void Malformed_entries_are_named_at_start_up(string entry)
    {
        Assert.NotNull(TrustedCallers.Problem(entry));
    }

    [Fact]
    public void Strict_approvals_take_the_approver_from_the_authenticated_principal_itself()
    {
        var strict = new ApprovalsOptions { TrustedCallers = ["principal:aad:bob@example.com", "signer:webhook"], RequireApproverIsCaller = true };
        var bob = new CallerIdentity(CallerKinds.Principal, "aad:Bob@Example.com");

        Assert.Null(CodeOf(Policy(strict), Escalation(approvedBy: "bob@example.com"), bob));
        Assert.Equal(PolicyCodes.ApproverNotCaller, CodeOf(Policy(strict), Escalation(approvedBy: "carol@example.com"), bob));
        // A shared signing secret is nobody: it may relay a name, but in the strict form that is not enough.
        Assert.Equal(PolicyCodes.ApproverNotCaller, CodeOf(Policy(strict), Escalation(approvedBy: "bob@example.com"), new CallerIdentity(CallerKinds.Signer, "webhook")));
    }

    [Fact]
    public void A_queue_escalation_needs_the_queue_to_be_trusted_as_well_as_allowed_to_grant()
    {
        var change = Escalation();
        var queue = new CallerIdentity(CallerKinds.Queue, QueueNames.Changes);
        var granting = new PolicyOptions { QueueMayGrant = true };

        Assert.Equal(PolicyCodes.ApproverNotTrusted, CodeOf(Policy(policy: granting), change, queue, OriginKind.Event));
        Assert.Null(CodeOf(Policy(new ApprovalsOptions { TrustedCallers = ["queue:access-token-changes"] }, granting), change, queue, OriginKind.Event));
    }

    /// <summary>The measured attack and its relatives: one person, two spellings, from a trusted caller.</summary>
    [Theory]
    [InlineData("mallory@example.com\u200B")]
    [InlineData("mal\u00ADlory@example.com")]
    [InlineData("mallory\u2060@example.com")]
    [InlineData("Mallory@Example.com")]
    [InlineData("MALLORY@EXAMPLE.COM")]
    [InlineData("mаllory@example.com")]            // Cyrillic а
    [InlineData("ｍａｌｌｏｒｙ@example.com")]
    [InlineData("mallory\u0338@example.com")]   // a mark that does not compose
    [InlineData(" mallory@example.com ")]
    public void A_look_alike_of_the_requester_never_approves_their_escalation(string approver)
    {
        var meta = new JsonObject { ["requested_by"] = "mallory@example.com", ["approved_by"] = approver };
        var bytes = Encoding.UTF8.GetBytes(Documents.Update("312", preview: true).WithMeta(meta).ToJsonString());

        var step = ChangeDocumentValidator.Validate(bytes, "312", ChangeHeaders.None, Now);

        // Either the name is refused outright, or it is the requester again: never an approval.
        var code = step.Stop?.Code ?? CodeOf(Policy(), step.Value!, DefaultKey);
        Assert.Contains(code, new[] { "INVALID_META", PolicyCodes.ApprovalRequired });
    }
}
