using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>
/// Two instances on one registry, both sweeping while their queue listeners take the revert messages: every grant
/// is reverted once — one revert <c>PUT</c>, one revert outcome record — whoever gets there first.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class GrantTwoInstanceTests(AzuriteFixture storage)
{
    [Fact]
    public async Task Two_instances_revert_each_expiring_grant_once_with_one_audit_record()
    {
        await storage.ResetQueuesAsync();
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = 100_000 });
        await using var first = await GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator);
        await using var second = await GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator);

        var tokens = Seed.EditableTokenIds.Take(6).ToList();
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var grants = new List<string>();
        foreach (var (token, i) in tokens.Select((t, i) => (t, i)))
            grants.Add(await GrantTestSupport.AuditIdOf(await (i % 2 == 0 ? first : second).ChangeAsync(token, s => s with { CanAccessCma = true }, expiresAt)));
        var putsBefore = simulator.State.CountRequests("PUT");

        // Both sweep, again and again, while the messages come due on both listeners.
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while ((await first.GrantsAsync()).Count > 0 && DateTime.UtcNow < deadline)
        {
            if (DateTimeOffset.UtcNow >= expiresAt)
                await Task.WhenAll(first.Sweeper().SweepAsync(CancellationToken.None), second.Sweeper().SweepAsync(CancellationToken.None));
            await Task.Delay(20);
        }
        var outstanding = DateTime.UtcNow.AddSeconds(10);
        while (await GrantTestSupport.VisibleAndInvisibleAsync(first.RevertQueue) > 0 && DateTime.UtcNow < outstanding) await Task.Delay(100);

        Assert.Empty(await first.GrantsAsync());
        var records = await first.AuditRecordsAsync();
        foreach (var grantId in grants)
        {
            var outcome = Assert.Single(records.RevertOutcomes(grantId));
            Assert.Equal("applied", (string?)outcome["outcome"]);
        }
        Assert.Equal(tokens.Count, simulator.State.CountRequests("PUT") - putsBefore);
        Assert.All(tokens, t => Assert.False(simulator.State.GetToken(t)!.CanAccessCma));
        Assert.DoesNotContain(records, r => (string?)r["source"] == "schedule" && (string?)r["outcome"] == "rejected");
    }
}
