using System.Net;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>Bursts of changes against a DatoCMS with a small limit: they flow at the limit instead of bouncing off it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class PacingTests(AzuriteFixture storage) : IAsyncLifetime
{
    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_burst_of_changes_flows_at_DatoCMS_limit_without_a_single_429()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            // DatoCMS's own 3-second window, with a limit small enough that the burst needs two of them.
            o.SimulatorOptions = new SimulatorOptions { RateLimitPerWindow = 12, RateLimitWindow = TimeSpan.FromSeconds(3) };
            o.Settings["DatoCms:RateLimitWindow"] = "00:00:03";
            o.Settings["DatoCms:RateLimitPerWindow"] = "12";   // learning it from the headers is the pacer's unit tests' concern
            o.Settings["DatoCms:MaxRateLimitWait"] = "00:00:20";
        });
        var tokens = Seed.BulkTokenIds.Take(10).ToList();

        var responses = await Task.WhenAll(tokens.Select(id => gateway.PutAsync(id, ResilienceAudit.Rename(gateway.Simulator, id, "Paced " + id))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.DoesNotContain(gateway.Simulator.State.Requests, r => r.Status == 429);
        Assert.Equal(10, gateway.Simulator.Count("PUT"));                                             // nothing had to be retried
        Assert.InRange(gateway.Simulator.Count("GET"), 1, 10);                                       // reads, some of them shared lists
        Assert.All(tokens, id => Assert.Equal("Paced " + id, gateway.Simulator.State.GetToken(id)!.Name));
        foreach (var response in responses) Assert.Equal("applied", (await gateway.OutcomeAsync(response)).Outcome());
    }

    [Fact]
    public async Task Reads_and_changes_share_one_pacer_a_mixed_burst_flows_without_a_single_429()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.SimulatorOptions = new SimulatorOptions { RateLimitPerWindow = 8, RateLimitWindow = TimeSpan.FromSeconds(3) };
            o.Settings["DatoCms:RateLimitWindow"] = "00:00:03";
            o.Settings["DatoCms:RateLimitPerWindow"] = "8";
            o.Settings["DatoCms:MaxRateLimitWait"] = "00:00:20";
        });
        var tokens = Seed.BulkTokenIds.Take(4).ToList();

        // 4 changes (a PUT each, and their reads: their own GETs or shared lists) and 6 reads: 11 to 14 requests, more
        // than one window holds.
        var changes = tokens.Select(id => gateway.PutAsync(id, ResilienceAudit.Rename(gateway.Simulator, id, "Mixed " + id)));
        var reads = Enumerable.Range(0, 6).Select(i => gateway.Client.GetAsync(i % 2 == 0 ? "roles" : "access_tokens/" + tokens[i % tokens.Count]));
        var responses = await Task.WhenAll(changes.Concat(reads));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var requests = gateway.Simulator.State.Requests;
        Assert.Equal(4, requests.Count(r => r.Method == "PUT"));
        Assert.Equal(3, requests.Count(r => r.Method == "GET" && r.Path.TrimEnd('/') == "/roles"));
        Assert.InRange(requests.Count, 11, 14);                                                      // nothing retried
        Assert.DoesNotContain(requests, r => r.Status == 429);
    }

    [Fact]
    public async Task A_burst_beyond_what_callers_may_wait_is_answered_429_with_Retry_After_before_reaching_DatoCMS()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.SimulatorOptions = new SimulatorOptions { RateLimitPerWindow = 2, RateLimitWindow = TimeSpan.FromSeconds(1) };
            o.Settings["DatoCms:RateLimitWindow"] = "00:00:01";
            o.Settings["DatoCms:RateLimitPerWindow"] = "2";
            o.Settings["DatoCms:MaxRateLimitWait"] = "00:00:02";
        });
        // 20 changes at 2 requests per second need 10 s even at one request each (reads shared in lists): callers wait 2 s at most.
        var tokens = Seed.BulkTokenIds.ToList();

        var responses = await Task.WhenAll(tokens.Select(id => gateway.PutAsync(id, ResilienceAudit.Rename(gateway.Simulator, id, "Burst " + id))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.NotNull(r.Headers.RetryAfter?.Delta));
        Assert.DoesNotContain(gateway.Simulator.State.Requests, r => r.Status == 429);   // refused here, not bounced off DatoCMS
        foreach (var response in responses)
        {
            var outcome = await gateway.OutcomeAsync(response);
            Assert.Equal(response.StatusCode == HttpStatusCode.OK ? ("applied", null) : ("failed", "RATE_LIMIT_EXCEEDED"), (outcome.Outcome(), outcome.ErrorCode()));
        }
    }
}
