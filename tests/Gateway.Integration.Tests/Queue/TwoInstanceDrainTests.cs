using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Xunit.Abstractions;

namespace AccessTokenGateway.Tests.Queue;

[Collection(IntegrationCollection.Name)]
public sealed class TwoInstanceDrainTests(AzuriteFixture storage, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_instances_draining_200_messages_leave_exactly_one_final_outcome_each_none_lost_none_applied_twice()
    {
        await storage.ResetQueuesAsync();
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = 100_000 });
        await using var first = await GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator);
        await using var second = await GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator);

        var tokens = Seed.EditableTokenIds;
        var sent = new Dictionary<string, string>(); // message id → the name it sets
        var started = DateTime.UtcNow;
        for (var i = 0; i < 200; i++)
        {
            var name = $"Drain {i:000}";
            var id = tokens[i % tokens.Count];
            var document = Documents.Update(id, name: name, cda: true, preview: false, cma: false, roleId: null)
                .WithMeta(new JsonObject { ["requested_by"] = "drain-test" });
            // Keep each token's own role and flags, so every change is a rename the queue path may make.
            var current = simulator.State.GetToken(id)!;
            document["data"]!["attributes"]!["can_access_cda"] = current.CanAccessCda;
            document["data"]!["attributes"]!["can_access_cda_preview"] = current.CanAccessCdaPreview;
            document["data"]!["attributes"]!["can_access_cma"] = current.CanAccessCma;
            document["data"]!["relationships"]!["role"]!["data"] = new JsonObject { ["type"] = "role", ["id"] = current.RoleId };
            var receipt = await first.ChangeQueue.SendMessageAsync(document.ToJsonString());
            sent[receipt.Value.MessageId] = name;
        }

        var records = await first.WaitForAuditAsync(r => r.Count(x => x["outcome"] is not null) >= 200, TimeSpan.FromSeconds(120));
        var elapsed = DateTime.UtcNow - started;

        var finals = records.Where(r => r["outcome"] is not null).ToList();
        var byMessage = finals.GroupBy(r => (string)r["correlation_id"]!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(sent.Keys.Order(), byMessage.Keys.Order());                 // none lost, none invented
        Assert.All(byMessage.Values, outcomes => Assert.Single(outcomes));       // exactly one final outcome each
        Assert.All(finals, r => Assert.Equal("applied", (string?)r["outcome"]));
        var puts = simulator.State.Requests.Where(r => r.Method == "PUT" && r.Status == 200).Select(r => (string)JsonNode.Parse(r.Body)!["data"]!["attributes"]!["name"]!).ToList();
        Assert.Equal(200, puts.Count);
        Assert.Equal(sent.Values.Order(), puts.Order());                          // each change applied once
        Assert.Null((await first.PoisonQueue.PeekMessageAsync()).Value);
        Assert.Null((await first.ChangeQueue.PeekMessageAsync()).Value);

        output.WriteLine($"200 messages drained by two instances in {elapsed.TotalSeconds:F1} s; {finals.Count} final outcomes, {puts.Count} PUTs, {records.Count - finals.Count} intents");
    }
}
