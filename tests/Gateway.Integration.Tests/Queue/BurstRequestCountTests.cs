using System.Globalization;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Xunit.Abstractions;

namespace AccessTokenGateway.Tests.Queue;

/// <summary>A burst through the queue spends DatoCMS's requests on PUTs: reads are served by shared lists.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class BurstRequestCountTests(AzuriteFixture storage, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(0)]
    [InlineData(3_000)]   // a large project: a few readers would read their own tokens, were the budget not what holds them back
    public async Task A_burst_of_50_changes_to_50_tokens_through_the_queue_makes_at_most_55_DatoCMS_requests_and_meets_no_429(int otherTokens)
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            // A limit the burst must be paced to (50 PUTs need five windows): the reads then gather while PUTs wait their turn.
            o.SimulatorOptions = new SimulatorOptions { RateLimitPerWindow = 10, RateLimitWindow = TimeSpan.FromSeconds(3) };
            o.Settings["DatoCms:RateLimitWindow"] = "00:00:03";
            o.Settings["DatoCms:RateLimitPerWindow"] = "10";
            o.Settings["DatoCms:MaxRateLimitWait"] = "00:00:20";
            o.Settings["DatoCms:TotalTimeout"] = "00:00:40";
        });
        var simulator = gateway.Simulator.State;
        var ids = Enumerable.Range(5_000, 50).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var id in ids) simulator.SetToken(new AccessTokenState(id, "Burst token " + id, Seed.SecretFor(id), null, true, false, false, Seed.ViewerRoleId));
        foreach (var id in Enumerable.Range(10_000, otherTokens).Select(i => i.ToString(CultureInfo.InvariantCulture)))
            simulator.SetToken(new AccessTokenState(id, "Other token " + id, Seed.SecretFor(id), null, true, false, false, Seed.ViewerRoleId));

        foreach (var id in ids)
        {
            var rename = Documents.Update(id, name: "Off-boarded " + id, cda: true, preview: false, cma: false, roleId: Seed.ViewerRoleId)
                .WithMeta(new JsonObject { ["requested_by"] = "hr-offboarding" });
            await gateway.ChangeQueue.SendMessageAsync(rename.ToJsonString());
        }
        var records = await gateway.WaitForAuditAsync(r => r.Count(x => x["outcome"] is not null) >= 50, TimeSpan.FromSeconds(120));

        Assert.All(records.Where(r => r["outcome"] is not null), r => Assert.Equal("applied", (string?)r["outcome"]));
        Assert.All(ids, id => Assert.Equal("Off-boarded " + id, simulator.GetToken(id)!.Name));
        var requests = simulator.Requests;
        var made = string.Join(", ", requests.GroupBy(r => r.Method + (r.Path.TrimEnd('/') == "/access_tokens" ? " list" : " one")).Select(g => $"{g.Key} ×{g.Count()}"));
        output.WriteLine($"{requests.Count} DatoCMS requests: {made}");
        Assert.DoesNotContain(requests, r => r.Status == 429);
        Assert.Equal(50, requests.Count(r => r.Method == "PUT"));
        Assert.True(requests.Count <= 55, $"{requests.Count} DatoCMS requests: {made}");
    }
}
