using AccessTokenGateway.Tests.Support;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Tests.Grants;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;

using AccessTokenGateway.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace AccessTokenGateway.Tests.Changes;

/// <summary>The pipeline's own ordering and fail-closed rules, with its collaborators as doubles.</summary>
public sealed class ChangePipelineTests
{
    private const string Id = "312";
    private static readonly TokenState Current = new("Read-only API token", true, false, false, "34");

    private readonly Mock<IDatoCmsClient> _datoCms = new(MockBehavior.Strict);
    private readonly Mock<ISecretSource> _secret = new();
    private readonly Mock<IAuditSink> _audit = new();
    private readonly List<string> _calls = [];
    private readonly InMemoryGrantRegistry _grants = new();
    private readonly RecordingRevertQueue _reverts;

    public ChangePipelineTests()
    {
        _reverts = new RecordingRevertQueue(_calls.Add);
        _secret.Setup(s => s.GetAsync(It.IsAny<CancellationToken>())).ReturnsAsync("cma-token");
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("GET")).ReturnsAsync(Ok(Current));
        _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "cma-token", It.IsAny<CancellationToken>()))
            .Callback<string, TokenState, string, CancellationToken>((_, s, _, _) => _calls.Add("PUT")).ReturnsAsync((string _, TokenState s, string _, CancellationToken _) => Ok(s));
        _audit.Setup(a => a.WriteAsync(It.IsAny<AuditRecord>(), It.IsAny<CancellationToken>()))
            .Callback<AuditRecord, CancellationToken>((r, _) => _calls.Add("audit " + (r.Outcome ?? r.Kind))).Returns(Task.CompletedTask);
    }

    private static DatoCmsReply Ok(TokenState state)
    {
        var document = TokenJson.UpdateDocument(Id, state);
        document["data"]!["attributes"]!["token"] = "secret-value";
        document["data"]!["attributes"]!["hardcoded_type"] = null;
        return new DatoCmsReply(DatoCmsReplyKind.Ok, 1, "ok") { Status = 200, RequestId = "req-1", Token = AccessTokenResource.TryRead(document) };
    }

    private ChangePipeline Pipeline(int outcomeRetries = 2) => new(
        _datoCms.Object, _secret.Object,
        new ChangePolicy(new OptionsMonitorStub<PolicyOptions>(new PolicyOptions()),
            new OptionsMonitorStub<ApprovalsOptions>(new ApprovalsOptions { TrustedCallers = ["function_key:approval-tool"] })),
        new InProcessTokenLocks(TimeSpan.FromSeconds(5)),
        new AuditTrail(_audit.Object, Options.Create(new AuditOptions { OutcomeWriteRetries = outcomeRetries }), TimeProvider.System),
        new GrantLedger(_grants, _reverts, NullLogger<GrantLedger>.Instance), TimeProvider.System, NullLogger<ChangePipeline>.Instance);

    private static ChangeRequest Request(JsonObject document, OriginKind origin = OriginKind.Caller, bool lastDelivery = false) => new()
    {
        Origin = new ChangeOrigin(origin, ApprovalTool), TokenId = Id, Document = Encoding.UTF8.GetBytes(document.ToJsonString()),
        CorrelationId = "c", Delivery = new Delivery(lastDelivery ? 5 : 1, lastDelivery),
    };

    /// <summary>A caller trusted to assert approvals: who may approve is ApprovalPolicyTests' subject, not this class's.</summary>
    private static readonly CallerIdentity ApprovalTool = new(CallerKinds.FunctionKey, "approval-tool");

    private static Exception Down(Dependency dependency) => new DependencyUnavailableException(dependency, "down");

    private static JsonObject Rename(string name = "Renamed") => Documents.Update(Id, name: name);

    [Fact]
    public async Task Intent_is_recorded_before_the_put_and_the_outcome_after_it()
    {
        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.IsType<Applied>(result.Outcome);
        Assert.Equal(["GET", "audit intent", "PUT", "audit applied"], _calls);
    }

    [Fact]
    public async Task The_tokens_grants_are_asked_for_while_DatoCMS_is_read_not_after_it()
    {
        var answer = new TaskCompletionSource<DatoCmsReply>();
        var askedBeforeTheAnswer = false;
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>()))
            .Callback(() => askedBeforeTheAnswer = _grants.Calls.Contains("read")).Returns(answer.Task);

        var submitted = Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);
        answer.SetResult(Ok(Current));
        var result = await submitted;

        Assert.IsType<Applied>(result.Outcome);
        Assert.True(askedBeforeTheAnswer);   // one storage round trip fewer in a row: lease, intent, outcome
        Assert.Equal(["read"], _grants.Calls);
    }

    [Fact]
    public async Task A_registry_that_cannot_be_read_while_DatoCMS_is_means_nothing_is_sent()
    {
        _grants.Down = true;

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.IsType<Unavailable>(result.Outcome);
        Assert.Contains("GET", _calls);
        Assert.DoesNotContain("audit intent", _calls);
        Assert.DoesNotContain("PUT", _calls);
    }

    [Fact]
    public async Task When_DatoCMSs_read_ends_the_change_a_registry_that_is_down_does_not_decide_its_outcome()
    {
        _grants.Down = true;
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.Refused, 1, "not found") { Status = 404, Error = new UpstreamError(404, "NOT_FOUND", null, Transient: false) });

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.IsNotType<Unavailable>(result.Outcome);   // DatoCMS's answer decides; the registry's failure is not what the caller hears
    }

    private static JsonObject PreviewGrant(DateTimeOffset expiresAt) => Documents.Update(Id, preview: true).WithMeta(new JsonObject
    {
        ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = TokenJson.ToNode(Current),
        ["expires_at"] = expiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    });

    [Fact]
    public async Task Expiring_grant_queues_its_revert_and_records_the_grant_after_the_intent_and_before_the_put()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddHours(1);

        var result = await Pipeline().SubmitAsync(Request(PreviewGrant(expiresAt)), CancellationToken.None);

        Assert.IsType<Applied>(result.Outcome);
        Assert.Equal(["GET", "audit intent", "revert queued", "PUT", "audit applied"], _calls);
        var grant = Assert.Single(_grants.All);
        Assert.Equal((TokenFields.CanAccessCdaPreview, "true", "false", result.AuditId), (grant.Field, grant.GrantedValue, grant.ValueBefore, grant.GrantId));
        var (message, due) = Assert.Single(_reverts.Sent);
        Assert.Equal((result.AuditId, Id), (message.GrantId, message.TokenId));
        Assert.Equal(grant.ExpiresAt, due);
    }

    [Fact]
    public async Task Expires_at_on_a_change_that_grants_nothing_is_refused_and_nothing_is_recorded()
    {
        var document = Rename().WithMeta(new JsonObject { ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ") });

        var result = await Pipeline().SubmitAsync(Request(document), CancellationToken.None);

        var refused = Assert.IsType<Refused>(result.Outcome);
        Assert.Equal((422, "INVALID_META", "meta.expires_at"), (ErrorStatus.Of(refused), refused.Code, refused.FieldName));
        Assert.Empty(_reverts.Sent);
        Assert.Empty(_grants.All);
        Assert.DoesNotContain("PUT", _calls);
    }

    [Fact]
    public async Task A_grant_whose_put_surely_failed_is_taken_back_from_the_registry()
    {
        _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "cma-token", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.Failed, 4, "503") { Status = 503 });

        var result = await Pipeline().SubmitAsync(Request(PreviewGrant(DateTimeOffset.UtcNow.AddHours(1))), CancellationToken.None);

        Assert.IsType<UpstreamFailed>(result.Outcome);
        Assert.Empty(_grants.All);
    }

    [Fact]
    public async Task Unwritable_intent_means_nothing_is_sent_and_a_transient_503()
    {
        _audit.Setup(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Kind == "intent"), It.IsAny<CancellationToken>())).ThrowsAsync(Down(Dependency.AuditTrail));

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.Equal(("failed", 503, "AUDIT_UNAVAILABLE"), (result.Outcome.Name, ErrorStatus.Of(result.Outcome), result.Outcome.Code));
        Assert.True(result.ShouldRetry);
        _datoCms.Verify(d => d.UpdateAccessTokenAsync(It.IsAny<string>(), It.IsAny<TokenState>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Unschedulable_revert_means_nothing_is_sent()
    {
        _reverts.Down = true;

        var result = await Pipeline().SubmitAsync(Request(PreviewGrant(DateTimeOffset.UtcNow.AddHours(1))), CancellationToken.None);

        Assert.Equal((503, "REVERT_UNAVAILABLE"), (ErrorStatus.Of(result.Outcome), result.Outcome.Code));
        Assert.DoesNotContain("PUT", _calls);
    }

    [Fact]
    public async Task Outcome_write_that_fails_after_an_applied_put_is_retried_until_it_lands()
    {
        var failures = 2;
        _audit.Setup(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Kind == "outcome"), It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("outcome attempt"))
            .Returns(() => failures-- > 0 ? Task.FromException(Down(Dependency.AuditTrail)) : Task.CompletedTask);

        var result = await Pipeline(outcomeRetries: 2).SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.IsType<Applied>(result.Outcome);
        Assert.True(result.OutcomeRecorded);
        Assert.Equal(3, _calls.Count(c => c == "outcome attempt"));
    }

    [Fact]
    public async Task Outcome_that_never_lands_after_an_applied_put_leaves_the_intent_and_marks_the_result_for_a_retry()
    {
        _audit.Setup(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Kind == "outcome"), It.IsAny<CancellationToken>())).ThrowsAsync(Down(Dependency.AuditTrail));

        var result = await Pipeline(outcomeRetries: 1).SubmitAsync(Request(Rename(), OriginKind.Event), CancellationToken.None);

        Assert.IsType<Applied>(result.Outcome);
        Assert.False(result.OutcomeRecorded);
        Assert.True(result.ShouldRetry); // the queue function rethrows, so the retry reads the token and records no_change
        _audit.Verify(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Kind == "intent" && r.AuditId == result.AuditId && r.Requested!.Name == "Renamed"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Unreachable_DatoCMS_is_a_transient_502_and_on_the_last_queue_attempt_gave_up()
    {
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.NoAnswer, 4, "refused"));

        var http = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);
        var lastQueueAttempt = await Pipeline().SubmitAsync(Request(Rename(), OriginKind.Event, lastDelivery: true), CancellationToken.None);

        Assert.Equal(("failed", 502), (http.Outcome.Name, ErrorStatus.Of(http.Outcome)));
        Assert.IsType<GaveUp>(lastQueueAttempt.Outcome);
        _audit.Verify(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Outcome == "gave_up" && r.UpstreamAttempts == 4), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Secret_attribute_never_leaves_the_resource()
    {
        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.DoesNotContain("secret-value", Assert.IsType<Applied>(result.Outcome).After.Document.ToJsonString());
    }

    [Fact]
    public async Task A_request_refused_at_admission_is_recorded_and_reaches_nothing()
    {
        var refused = Refused.Because(RefusalKind.TooLarge, ErrorCodes.RequestTooLarge, "too large");

        var result = await Pipeline().SubmitAsync(Request(Rename()) with { NotAdmitted = refused }, CancellationToken.None);

        Assert.Same(refused, result.Outcome);
        Assert.Equal(["audit rejected"], _calls);
        _secret.Verify(s => s.GetAsync(It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_put_whose_answer_never_came_is_unknown_and_retried_its_intent_standing()
    {
        _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "cma-token", It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("PUT")).ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.NoAnswer, 3, "dropped"));

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.Equal(("unknown", "UPSTREAM_FAILURE", 502), (result.Outcome.Name, result.Outcome.Code, ErrorStatus.Of(result.Outcome)));
        Assert.True(result.ShouldRetry);
        Assert.Equal(["GET", "audit intent", "PUT", "audit unknown"], _calls);
    }

    [Fact]
    public async Task A_read_whose_answer_never_came_is_a_failure_not_unknown_nothing_having_been_written()
    {
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>())).ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.NoAnswer, 3, "dropped"));

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.IsType<UpstreamFailed>(result.Outcome);
        Assert.DoesNotContain("audit intent", _calls);
    }

    [Fact]
    public async Task An_outcome_that_cannot_be_recorded_is_the_pipelines_decision_an_unavailable_audit_trail()
    {
        _audit.Setup(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Kind == "outcome"), It.IsAny<CancellationToken>())).ThrowsAsync(Down(Dependency.AuditTrail));
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>())).ReturnsAsync(Ok(Current with { Name = "Renamed" }));

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        // A no-change that cannot be recorded is not answered as a no-change: nothing may pass unrecorded.
        Assert.Equal(("failed", "AUDIT_UNAVAILABLE", 503), (result.Outcome.Name, result.Outcome.Code, ErrorStatus.Of(result.Outcome)));
        Assert.False(result.OutcomeRecorded);
    }

    [Fact]
    public async Task DatoCMS_refusing_the_CMA_token_reads_the_vault_again_once_and_repeats_the_call()
    {
        var refused = new DatoCmsReply(DatoCmsReplyKind.Unauthorized, 1, "401") { Status = 401 };
        _secret.Setup(s => s.RefreshAsync("cma-token", It.IsAny<CancellationToken>())).ReturnsAsync("rotated");
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>())).ReturnsAsync(refused);
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "rotated", It.IsAny<CancellationToken>())).ReturnsAsync(Ok(Current));
        _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "rotated", It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, TokenState s, string _, CancellationToken _) => Ok(s));

        var result = await Pipeline().SubmitAsync(Request(Rename()), CancellationToken.None);

        Assert.IsType<Applied>(result.Outcome);
        _secret.Verify(s => s.RefreshAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        _audit.Verify(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Outcome == "applied" && r.UpstreamAttempts == 3), It.IsAny<CancellationToken>()), Times.Once);
    }

    private sealed class OptionsMonitorStub<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
