using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Xunit.Abstractions;

namespace AccessTokenGateway.Tests.Governance;

[Collection(IntegrationCollection.Name)]
public sealed class ConcurrentChangeTests(AzuriteFixture storage, ITestOutputHelper output)
{
    [Fact]
    public async Task Fifty_concurrent_changes_to_one_token_through_two_instances_form_one_unbroken_audit_chain()
    {
        await storage.ResetQueuesAsync();
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = 100_000 });
        // A little latency on every DatoCMS call widens the read-to-write window a race would need.
        simulator.State.Faults.SetLatency(TimeSpan.FromMilliseconds(5));
        await using var first = await GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator);
        await using var second = await GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator);

        var names = Enumerable.Range(0, 50).Select(i => $"Chain {i:00}").ToList();
        var responses = await Task.WhenAll(names.Select((name, i) =>
            (i % 2 == 0 ? first : second).PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: name).ToJsonString())));
        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));

        var outcomes = (await first.WaitForAuditAsync(r => r.Count(x => x["outcome"] is not null) == 50))
            .Where(r => r["outcome"] is not null).ToList();
        Assert.All(outcomes, r => Assert.Equal("applied", (string?)r["outcome"]));

        // Follow the chain from the seeded state: each record's "before" must be the previous record's "after".
        var byBefore = outcomes.GroupBy(r => r["before"]!.ToJsonString()).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(byBefore.Values, starting => Assert.Single(starting)); // no two changes started from the same state
        var state = outcomes.Select(r => r["before"]!.ToJsonString()).Except(outcomes.Select(r => r["after"]!.ToJsonString())).Single();
        var chain = new List<string>();
        while (byBefore.TryGetValue(state, out var next))
        {
            chain.Add((string)next[0]["after"]!["name"]!);
            state = next[0]["after"]!.ToJsonString();
        }
        Assert.Equal(names.Order(), chain.Order());
        Assert.Equal(chain[^1], simulator.State.GetToken(Seed.EditableTokenId)!.Name);
        output.WriteLine($"Chain of {chain.Count} changes, last {chain[^1]}");
    }
}
