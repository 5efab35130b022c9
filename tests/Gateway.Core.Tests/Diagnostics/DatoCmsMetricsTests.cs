using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Grants;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AccessTokenGateway.Tests.Diagnostics;

/// <summary>
/// Each attempt on the wire is counted by method and status, 429s apart; DatoCMS's answers are the health check's
/// evidence, a failure since the last answer withdraws it; a grant's revert message names the trace of its change.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class DatoCmsMetricsTests
{
    private sealed class Answering(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer());
    }

    private sealed class Unreachable : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused");
    }

    private static HttpMessageInvoker Invoker(DatoCmsAnswers answers, HttpMessageHandler inner) => new(new AttemptMetricsHandler(answers) { InnerHandler = inner });

    [Theory]
    [InlineData(HttpStatusCode.OK, 0)]
    [InlineData(HttpStatusCode.TooManyRequests, 1)]
    [InlineData(HttpStatusCode.Unauthorized, 0)]
    [InlineData(HttpStatusCode.BadGateway, 0)]
    public async Task Each_attempt_is_counted_by_method_and_status_and_429s_apart(HttpStatusCode status, int rateLimited)
    {
        using var meters = new MeterRecorder();
        using var invoker = Invoker(new DatoCmsAnswers(TimeProvider.System), new Answering(() => new HttpResponseMessage(status)));

        await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Put, "http://datocms.test/access_tokens/312"), CancellationToken.None);

        var request = Assert.Single(meters.Of("gateway.datocms.requests"));
        Assert.Equal(("PUT", (int)status), ((string)request.Tags["method"]!, (int)request.Tags["status"]!));
        Assert.Equal(rateLimited, meters.Of("gateway.datocms.rate_limited").Count);
    }

    [Fact]
    public async Task An_attempt_without_an_answer_is_counted_as_status_0_and_withdraws_the_evidence()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var answers = new DatoCmsAnswers(time);
        using var meters = new MeterRecorder();
        using var answering = Invoker(answers, new Answering(() => new HttpResponseMessage(HttpStatusCode.OK)));
        using var unreachable = Invoker(answers, new Unreachable());

        await answering.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://datocms.test/access_tokens/312"), CancellationToken.None);
        var afterAnswer = answers.AnsweredWithin(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<HttpRequestException>(() => unreachable.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://datocms.test/access_tokens/312"), CancellationToken.None));

        Assert.True(afterAnswer);
        Assert.False(answers.AnsweredWithin(TimeSpan.FromMinutes(1)));
        Assert.Equal([200, 0], meters.Of("gateway.datocms.requests").Select(m => (int)m.Tags["status"]!));
    }

    [Fact]
    public void Evidence_goes_stale()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var answers = new DatoCmsAnswers(time);
        Assert.False(answers.AnsweredWithin(TimeSpan.FromMinutes(1)));   // no answer yet is no evidence

        answers.Answered();
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(answers.AnsweredWithin(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_grants_revert_message_carries_the_trace_of_the_change_that_made_it()
    {
        using var spans = new SpanRecorder();
        const string id = "312";
        var current = new TokenState("Read-only API token", true, false, false, "34");
        var datoCms = new Mock<IDatoCmsClient>();
        datoCms.Setup(d => d.GetAccessTokenAsync(id, "cma", It.IsAny<CancellationToken>())).ReturnsAsync(Ok(id, current));
        datoCms.Setup(d => d.UpdateAccessTokenAsync(id, It.IsAny<TokenState>(), "cma", It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, TokenState s, string _, CancellationToken _) => Ok(id, s));
        var reverts = new RecordingRevertQueue(_ => { });
        var pipeline = new ChangePipeline(datoCms.Object, new StaticSecret("cma"),
            new ChangePolicy(OptionsMonitor.Of(new PolicyOptions()), OptionsMonitor.Of(new ApprovalsOptions { TrustedCallers = ["function_key:approval-tool"] })),
            new InProcessTokenLocks(TimeSpan.FromSeconds(5)), new AuditTrail(Mock.Of<IAuditSink>(), Options.Create(new AuditOptions()), TimeProvider.System),
            new GrantLedger(new InMemoryGrantRegistry(), reverts, NullLogger<GrantLedger>.Instance), TimeProvider.System, NullLogger<ChangePipeline>.Instance);
        var document = Documents.Update(id, preview: true).WithMeta(new JsonObject
        {
            ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = TokenJson.ToNode(current),
            ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"),
        });

        var result = await pipeline.SubmitAsync(new ChangeRequest
        {
            Origin = new ChangeOrigin(OriginKind.Caller, new CallerIdentity(CallerKinds.FunctionKey, "approval-tool")), TokenId = id,
            Document = Encoding.UTF8.GetBytes(document.ToJsonString()), CorrelationId = "c",
        }, CancellationToken.None);

        var change = Assert.Single(spans.Spans, s => s.OperationName == "change" && (string?)s.GetTagItem("gateway.audit_id") == result.AuditId);
        var (message, _) = Assert.Single(reverts.Sent);
        Assert.Equal(change.TraceId, System.Diagnostics.ActivityContext.Parse(message.TraceParent!, null).TraceId);
    }

    private static DatoCmsReply Ok(string id, TokenState state)
    {
        var document = TokenJson.UpdateDocument(id, state);
        document["data"]!["attributes"]!["token"] = "secret-value";
        document["data"]!["attributes"]!["hardcoded_type"] = null;
        return new DatoCmsReply(DatoCmsReplyKind.Ok, 1, "ok") { Status = 200, Token = AccessTokenResource.TryRead(document) };
    }
}
