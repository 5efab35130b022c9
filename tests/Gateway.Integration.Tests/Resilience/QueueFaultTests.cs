using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>
/// Faults on the queue path: a transient failure throws, the queue listener (host.json: visibility time-out 5 s, five
/// dequeues) brings the message back, and every attempt is audited. Each test waits for real re-deliveries, so there are few.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class QueueFaultTests(AzuriteFixture storage) : IAsyncLifetime
{
    private const string Token = Seed.EditableTokenId;
    private static readonly TimeSpan Redelivery = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> EnqueueAsync(GatewayHarness gateway, string name) =>
        (await gateway.ChangeQueue.SendMessageAsync(ResilienceAudit.Rename(gateway.Simulator, Token, name))).Value.MessageId;

    private static List<JsonObject> Outcomes(IReadOnlyList<JsonObject> records, string messageId) =>
        [.. records.Where(r => (string?)r["correlation_id"] == messageId && (string?)r["kind"] == "outcome").OrderBy(r => (int?)r["attempt"])];

    [Fact]
    public async Task A_change_failing_transiently_is_retried_by_the_queue_and_applied_once_DatoCMS_recovers()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["DatoCms:MaxRetries"] = "0");
        gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.ServerError, StatusCode: 503, Method: "PUT"));

        var messageId = await EnqueueAsync(gateway, "Queued through an outage");
        await gateway.WaitForAuditAsync(r => Outcomes(r, messageId).Count >= 1, Redelivery);
        gateway.Simulator.State.Faults.Clear();
        var records = await gateway.WaitForAuditAsync(r => Outcomes(r, messageId).Any(o => o.Outcome() == "applied"), Redelivery);

        var outcomes = Outcomes(records, messageId);
        Assert.Equal(("failed", "UPSTREAM_FAILURE", 1), (outcomes[0].Outcome(), outcomes[0].ErrorCode(), (int?)outcomes[0]["attempt"]));
        Assert.Equal("applied", outcomes[^1].Outcome());
        Assert.Single(outcomes, o => o.Outcome() == "applied");
        Assert.Equal("Queued through an outage", gateway.Simulator.State.GetToken(Token)!.Name);
        Assert.Null((await gateway.PoisonQueue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task A_change_the_rate_limit_holds_back_is_retried_later_and_applied()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["DatoCms:MaxRateLimitWait"] = "00:00:01");
        gateway.Simulator.State.Faults.Add(new Fault(FaultKind.RateLimitStorm, ResetSeconds: 4, Method: "GET"));

        var messageId = await EnqueueAsync(gateway, "After the storm");
        var records = await gateway.WaitForAuditAsync(r => Outcomes(r, messageId).Any(o => o.Outcome() == "applied"), Redelivery);

        var outcomes = Outcomes(records, messageId);
        Assert.Equal(("failed", "RATE_LIMIT_EXCEEDED"), (outcomes[0].Outcome(), outcomes[0].ErrorCode()));
        Assert.Equal("applied", outcomes[^1].Outcome());
        Assert.Equal("After the storm", gateway.Simulator.State.GetToken(Token)!.Name);
        Assert.Equal(1, gateway.Simulator.Count("GET", 429));
    }

    [Fact]
    public async Task A_change_that_never_gets_through_lands_in_the_poison_queue_with_its_last_attempt_audited_as_given_up()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["DatoCms:MaxRetries"] = "0");
        gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.HtmlBadGateway, Method: "PUT"));

        var messageId = await EnqueueAsync(gateway, "Never applied");
        var records = await gateway.WaitForAuditAsync(r => Outcomes(r, messageId).Any(o => o.Outcome() == "gave_up"), TimeSpan.FromSeconds(120));
        var poisoned = await WaitForPoisonAsync(gateway);

        var outcomes = Outcomes(records, messageId);
        Assert.Equal([1, 2, 3, 4, 5], outcomes.Select(o => (int?)o["attempt"]));
        Assert.Equal(["failed", "failed", "failed", "failed", "gave_up"], outcomes.Select(o => o.Outcome()));
        Assert.All(outcomes, o => Assert.Equal("UPSTREAM_FAILURE", o.ErrorCode()));
        Assert.Contains("Never applied", poisoned);
        Assert.Equal("Read-only API token", gateway.Simulator.State.GetToken(Token)!.Name);
    }

    private static async Task<string> WaitForPoisonAsync(GatewayHarness gateway)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var message = (await gateway.PoisonQueue.PeekMessageAsync()).Value;
            if (message is not null) return message.Body.ToString();
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Nothing reached the poison queue.");
            await Task.Delay(100);
        }
    }
}
