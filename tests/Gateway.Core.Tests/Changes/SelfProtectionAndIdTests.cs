using AccessTokenGateway.Tests.Grants;
using AccessTokenGateway.Grants;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace AccessTokenGateway.Tests.Changes;

/// <summary>
/// The gateway cannot lock itself out (its own CMA token is never changed through it), and an id has one spelling:
/// checked before policy and the lock, and DatoCMS's answer must be about the token asked for.
/// </summary>
public sealed class SelfProtectionAndIdTests
{
    private const string Bearer = "the-gateways-cma-token";
    private const string Id = "312";
    private static readonly TokenState Current = new("Gateway CMA token", true, true, true, "35");

    private readonly Mock<IDatoCmsClient> _datoCms = new(MockBehavior.Strict);
    private readonly List<AuditRecord> _audit = [];

    private static DatoCmsReply Answer(string id, string secret)
    {
        var document = TokenJson.UpdateDocument(id, Current);
        document["data"]!["attributes"]!["token"] = secret;
        document["data"]!["attributes"]!["hardcoded_type"] = null;
        return new DatoCmsReply(DatoCmsReplyKind.Ok, 1, "ok") { Status = 200, Token = AccessTokenResource.TryRead(document, Bearer) };
    }

    private ChangePipeline Pipeline(PolicyOptions? policy = null)
    {
        var secret = new Mock<ISecretSource>();
        secret.Setup(s => s.GetAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Bearer);
        var sink = new Mock<IAuditSink>();
        sink.Setup(a => a.WriteAsync(It.IsAny<AuditRecord>(), It.IsAny<CancellationToken>())).Callback<AuditRecord, CancellationToken>((r, _) => _audit.Add(r)).Returns(Task.CompletedTask);
        return new ChangePipeline(_datoCms.Object, secret.Object,
            new ChangePolicy(OptionsMonitor.Of(policy ?? new PolicyOptions())),
            new InProcessTokenLocks(TimeSpan.FromSeconds(5)),
            new AuditTrail(sink.Object, Options.Create(new AuditOptions()), TimeProvider.System),
            new GrantLedger(new InMemoryGrantRegistry(), new RecordingRevertQueue(), NullLogger<GrantLedger>.Instance), TimeProvider.System, NullLogger<ChangePipeline>.Instance);
    }

    private static ChangeRequest Request(string id, JsonObject document, OriginKind origin = OriginKind.Caller) => new()
    {
        Origin = new ChangeOrigin(origin, new CallerIdentity(origin == OriginKind.Caller ? CallerKinds.FunctionKey : CallerKinds.Queue, "x")),
        TokenId = id, Document = Encoding.UTF8.GetBytes(document.ToJsonString()), CorrelationId = "c",
    };

    /// <summary>Turning off the token's CMA access: what would lock the gateway out.</summary>
    private static JsonObject Revoke(string id) => Documents.Update(id, name: "Gateway CMA token", cda: true, preview: true, cma: false, roleId: "35");

    [Theory]
    [InlineData(OriginKind.Caller)]
    [InlineData(OriginKind.Event)]
    public async Task The_gateways_own_token_found_by_its_secret_is_refused_and_never_written(OriginKind origin)
    {
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Answer(Id, Bearer));

        var result = await Pipeline().SubmitAsync(Request(Id, Revoke(Id), origin), CancellationToken.None);

        var refused = Assert.IsType<Refused>(result.Outcome);
        Assert.Equal(PolicyCodes.GatewayToken, refused.Code);
        Assert.Equal(403, ErrorStatus.Of(refused));
        _datoCms.Verify(d => d.UpdateAccessTokenAsync(It.IsAny<string>(), It.IsAny<TokenState>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        var record = Assert.Single(_audit);
        Assert.Equal(("rejected", PolicyCodes.GatewayToken), (record.Outcome, record.Error?.Code));
    }

    [Fact]
    public async Task The_gateways_own_token_named_in_configuration_is_refused_before_DatoCMS_is_asked()
    {
        var result = await Pipeline(new PolicyOptions { GatewayTokenId = Id }).SubmitAsync(Request(Id, Revoke(Id)), CancellationToken.None);

        Assert.Equal(PolicyCodes.GatewayToken, result.Outcome.Code);
        _datoCms.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Another_token_is_not_mistaken_for_the_gateways_own()
    {
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Answer(Id, "some-other-secret"));
        _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Answer(Id, "some-other-secret"));

        var result = await Pipeline().SubmitAsync(Request(Id, Revoke(Id)), CancellationToken.None);

        Assert.IsType<Applied>(result.Outcome);
    }

    [Fact]
    public void The_secret_is_compared_then_dropped()
    {
        var token = Answer(Id, Bearer).Token!;

        Assert.True(token.IsTheBearer);
        Assert.Null(token.Document["data"]!["attributes"]!["token"]);
        Assert.DoesNotContain(Bearer, token.Document.ToJsonString());
    }

    [Fact]
    public async Task An_answer_about_another_token_than_the_one_requested_writes_nothing()
    {
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Answer("313", "some-other-secret"));

        var result = await Pipeline().SubmitAsync(Request(Id, Revoke(Id)), CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenIdMismatch, result.Outcome.Code);
        _datoCms.Verify(d => d.UpdateAccessTokenAsync(It.IsAny<string>(), It.IsAny<TokenState>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("0312")]
    [InlineData("+312")]
    [InlineData(" 312")]
    [InlineData("312 ")]
    [InlineData("00")]
    [InlineData("0")]
    [InlineData("3_12")]
    [InlineData("312abc")]
    [InlineData("3e2")]
    [InlineData("０３１２")]   // fullwidth digits
    [InlineData("٣١٢")]       // Arabic-Indic digits
    [InlineData("1234567890123456789")] // 19 digits: beyond a 64-bit id
    public async Task A_non_canonical_id_is_refused_before_policy_locks_and_DatoCMS(string id)
    {
        // Protected as "312": another spelling must not slip past the list by being compared as text.
        var result = await Pipeline(new PolicyOptions { ProtectedTokenIds = ["312"] }).SubmitAsync(Request(id, Revoke(id)), CancellationToken.None);

        var refused = Assert.IsType<Refused>(result.Outcome);
        Assert.Equal((ErrorCodes.InvalidField, "id"), (refused.Code, refused.FieldName));
        _datoCms.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("034")]
    [InlineData("+34")]
    public async Task A_non_canonical_role_id_is_refused(string roleId)
    {
        var result = await Pipeline(new PolicyOptions { AllowedRoleIds = ["34"] }).SubmitAsync(Request(Id, Documents.Update(Id, roleId: roleId)), CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidRelationship, result.Outcome.Code);
        _datoCms.VerifyNoOtherCalls();
    }
}
