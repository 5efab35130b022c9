using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Tests.Resilience;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Operations;

/// <summary>
/// One change, one trace, over real HTTP (the local host, the simulator, Key Vault through the real SecretClient,
/// Azurite): the caller's <c>traceparent</c> is continued, and the trace holds the vault read, the lock, DatoCMS's GET
/// and PUT and both audit writes, with the audit and correlation ids. The meters count the same calls. No secret in any span.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ChangeTelemetryTests(AzuriteFixture storage) : IAsyncLifetime
{
    private const string Token = Seed.EditableTokenId;

    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_trace_spans_the_vault_the_lock_DatoCMS_and_the_audit_writes_and_continues_the_callers_traceparent()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.UseKeyVault = true);
        using var spans = new SpanRecorder();
        using var meters = new MeterRecorder();
        var callerTrace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Traced"),
            customize: r => { r.Headers.Add("traceparent", $"00-{callerTrace}-{callerSpan}-01"); r.Headers.Add("X-Correlation-Id", "corr-traced"); });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var auditId = response.Headers.GetValues("X-Audit-Id").Single();
        var trace = spans.InTrace(callerTrace);
        var change = Assert.Single(trace, s => s.OperationName == "change");
        Assert.Equal((auditId, "corr-traced", "http", "applied"),
            ((string?)change.GetTagItem(GatewayActivity.AuditIdTag), (string?)change.GetTagItem(GatewayActivity.CorrelationIdTag),
             (string?)change.GetTagItem(GatewayActivity.SourceTag), (string?)change.GetTagItem(GatewayActivity.OutcomeTag)));
        var children = trace.Where(s => IsDescendant(s, change, trace)).Select(s => s.OperationName).ToList();
        Assert.Equal(["Key Vault get secret", "token lock acquire", "DatoCMS GET", "audit write intent", "DatoCMS PUT", "audit write outcome"], children);
        Assert.All(trace.Where(s => s.OperationName.StartsWith("audit write", StringComparison.Ordinal)),
            s => Assert.Equal((auditId, "corr-traced"), ((string?)s.GetTagItem(GatewayActivity.AuditIdTag), (string?)s.GetTagItem(GatewayActivity.CorrelationIdTag))));
        Assert.Equal(200, Assert.Single(trace, s => s.OperationName == "DatoCMS PUT").GetTagItem("http.response.status_code"));

        // The secret of the gateway's CMA token, and the token's own secret DatoCMS answers with, appear in no span.
        var tokenSecret = gateway.Simulator.State.GetToken(Token)!.Token;
        Assert.All(trace.SelectMany(s => s.TagObjects), tag =>
        {
            Assert.DoesNotContain(GatewayHarness.CmaToken, tag.Value?.ToString() ?? "", StringComparison.Ordinal);
            if (!string.IsNullOrEmpty(tokenSecret)) Assert.DoesNotContain(tokenSecret, tag.Value?.ToString() ?? "", StringComparison.Ordinal);
        });

        Assert.Contains(meters.Of("gateway.datocms.requests"), m => (string)m.Tags["method"]! == "GET" && (int)m.Tags["status"]! == 200);
        Assert.Contains(meters.Of("gateway.datocms.requests"), m => (string)m.Tags["method"]! == "PUT" && (int)m.Tags["status"]! == 200);
        Assert.Contains(meters.Of("gateway.keyvault.reads"), m => (string)m.Tags["result"]! == "ok");
        Assert.Contains(meters.Of("gateway.lock.wait"), m => (string)m.Tags["result"]! == "acquired");
        Assert.Contains(meters.Of("gateway.audit.write"), m => (string)m.Tags["kind"]! == "outcome" && (string)m.Tags["result"]! == "ok");
        Assert.Contains(meters.Of("gateway.datocms.pacer.wait"), m => (string)m.Tags["method"]! == "PUT");
        Assert.NotEmpty(meters.Of("gateway.datocms.pacer.remaining"));
        Assert.Contains(meters.Of("gateway.changes"), m => (string)m.Tags["outcome"]! == "applied" && (string)m.Tags["source"]! == "http");
    }

    [Fact]
    public async Task A_cloud_events_traceparent_is_continued_on_the_queue_path()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage);
        using var spans = new SpanRecorder();
        var eventTrace = ActivityTraceId.CreateRandom();
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = "evt-traced", ["source"] = "/hr", ["type"] = "com.example.offboarded",
            ["traceparent"] = $"00-{eventTrace}-{ActivitySpanId.CreateRandom()}-01",
            ["data"] = JsonNode.Parse(ResilienceAudit.Rename(gateway.Simulator, Token, "Traced from an event")),
        };

        await gateway.ChangeQueue.SendMessageAsync(cloudEvent.ToJsonString());
        await gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["outcome"] is not null));
        // The span ends just after the outcome record lands: wait for it, bounded.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!spans.InTrace(eventTrace).Any(s => s.OperationName == "change") && DateTime.UtcNow < deadline) await Task.Delay(20);

        var change = Assert.Single(spans.InTrace(eventTrace), s => s.OperationName == "change");
        Assert.Equal(("queue", "evt-traced"), ((string?)change.GetTagItem(GatewayActivity.SourceTag), (string?)change.GetTagItem(GatewayActivity.CorrelationIdTag)));
        Assert.Contains(spans.InTrace(eventTrace), s => s.OperationName == "DatoCMS PUT");
    }

    private static bool IsDescendant(Activity span, Activity root, IReadOnlyList<Activity> trace)
    {
        var parent = span.ParentSpanId;
        for (var depth = 0; depth < 16 && parent != default; depth++)
        {
            if (parent == root.SpanId) return true;
            parent = trace.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default;
        }
        return false;
    }
}
