using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Grants;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace AccessTokenGateway.Tests.Diagnostics;

/// <summary>Every outcome is counted once on <c>gateway.changes</c>, by outcome, source and code; nothing names a token or a secret.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ChangeMetricsTests
{
    private const string Id = "312";
    private static readonly TokenState Current = new("Read-only API token", true, false, false, "34");
    private static readonly CallerIdentity ApprovalTool = new(CallerKinds.FunctionKey, "approval-tool");

    private readonly Mock<IDatoCmsClient> _datoCms = new();
    private readonly Mock<ISecretSource> _secret = new();
    private readonly Mock<IAuditSink> _audit = new();

    public ChangeMetricsTests()
    {
        _secret.Setup(s => s.GetAsync(It.IsAny<CancellationToken>())).ReturnsAsync("cma-token");
        _datoCms.Setup(d => d.GetAccessTokenAsync(Id, "cma-token", It.IsAny<CancellationToken>())).ReturnsAsync(Ok(Current));
        _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "cma-token", It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, TokenState s, string _, CancellationToken _) => Ok(s));
        _audit.Setup(a => a.WriteAsync(It.IsAny<AuditRecord>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    public static TheoryData<string, string, string, string> Scenarios => new()
    {
        // scenario, expected outcome, source, code
        { "applied", "applied", "http", "none" },
        { "no change", "no_change", "http", "none" },
        { "dry run", "dry_run", "http", "none" },
        { "invalid document", "rejected", "http", "INVALID_FIELD" },
        { "refused by DatoCMS", "rejected", "queue", "INVALID_FIELD" },
        { "vault down", "failed", "http", "SECRET_UNAVAILABLE" },
        { "vault down on the last delivery", "gave_up", "queue", "SECRET_UNAVAILABLE" },
        { "no answer to the PUT", "unknown", "http", "UPSTREAM_FAILURE" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Each_outcome_is_counted_once_by_outcome_source_and_code(string scenario, string outcome, string source, string code)
    {
        var (document, origin, last) = Arrange(scenario);
        using var meters = new MeterRecorder();

        var result = await Pipeline().SubmitAsync(Request(document, origin, last), CancellationToken.None);

        var counted = Assert.Single(meters.Of("gateway.changes"));
        Assert.Equal(1, counted.Value);
        Assert.Equal(outcome, result.Outcome.Name);
        Assert.Equal((outcome, source), ((string)counted.Tags["outcome"]!, (string)counted.Tags["source"]!));
        Assert.Equal(code, counted.Tags["code"]);
        Assert.Equal(new[] { "code", "outcome", "recorded", "source" }, counted.Tags.Keys.Order());
    }

    [Fact]
    public async Task An_applied_change_whose_outcome_record_is_lost_is_counted_as_unrecorded()
    {
        _audit.Setup(a => a.WriteAsync(It.Is<AuditRecord>(r => r.Kind == "outcome"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new DependencyUnavailableException(Dependency.AuditTrail, "down"));
        using var meters = new MeterRecorder();

        await Pipeline(outcomeRetries: 0).SubmitAsync(Request(Documents.Update(Id, name: "Renamed"), OriginKind.Caller, false), CancellationToken.None);

        var counted = Assert.Single(meters.Of("gateway.changes"));
        Assert.Equal(("applied", false), ((string)counted.Tags["outcome"]!, (bool)counted.Tags["recorded"]!));
        var failures = meters.Of("gateway.audit.write.failures");
        Assert.Equal("outcome", Assert.Single(failures).Tags["kind"]);
        Assert.Contains(meters.Of("gateway.audit.write"), m => (string)m.Tags["kind"]! == "intent" && (string)m.Tags["result"]! == "ok");
    }

    private (JsonObject Document, OriginKind Origin, bool LastDelivery) Arrange(string scenario)
    {
        var rename = Documents.Update(Id, name: "Renamed");
        switch (scenario)
        {
            case "applied": return (rename, OriginKind.Caller, false);
            case "no change": return (Documents.Update(Id), OriginKind.Caller, false);
            case "dry run": return (rename.WithMeta(new JsonObject { ["dry_run"] = true }), OriginKind.Caller, false);
            case "invalid document":
                rename["data"]!["attributes"]!["can_access_cma"] = "yes";
                return (rename, OriginKind.Caller, false);
            case "refused by DatoCMS":
                _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "cma-token", It.IsAny<CancellationToken>()))
                    .ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.Refused, 1, "DatoCMS answered 422.")
                        { Status = 422, Error = new UpstreamError(422, "INVALID_FIELD", new JsonObject { ["field"] = "name" }, false) });
                return (rename, OriginKind.Event, false);
            case "vault down":
            case "vault down on the last delivery":
                _secret.Setup(s => s.GetAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new DependencyUnavailableException(Dependency.KeyVault, "down"));
                return scenario == "vault down" ? (rename, OriginKind.Caller, false) : (rename, OriginKind.Event, true);
            case "no answer to the PUT":
                _datoCms.Setup(d => d.UpdateAccessTokenAsync(Id, It.IsAny<TokenState>(), "cma-token", It.IsAny<CancellationToken>()))
                    .ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.NoAnswer, 1, "DatoCMS could not be reached: TimeoutException"));
                return (rename, OriginKind.Caller, false);
            default: throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
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
        new ChangePolicy(OptionsMonitor.Of(new PolicyOptions()),
            OptionsMonitor.Of(new ApprovalsOptions { TrustedCallers = ["function_key:approval-tool"] })),
        new InProcessTokenLocks(TimeSpan.FromSeconds(5)),
        new AuditTrail(_audit.Object, Options.Create(new AuditOptions { OutcomeWriteRetries = outcomeRetries }), TimeProvider.System),
        new GrantLedger(new InMemoryGrantRegistry(), new RecordingRevertQueue(_ => { }), NullLogger<GrantLedger>.Instance), TimeProvider.System, NullLogger<ChangePipeline>.Instance);

    private static ChangeRequest Request(JsonObject document, OriginKind origin, bool lastDelivery) => new()
    {
        Origin = new ChangeOrigin(origin, ApprovalTool), TokenId = Id, Document = Encoding.UTF8.GetBytes(document.ToJsonString()),
        CorrelationId = "c", Delivery = new Delivery(lastDelivery ? 5 : 1, lastDelivery),
    };
}
