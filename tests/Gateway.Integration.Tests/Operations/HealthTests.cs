using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Operations;

/// <summary>
/// <c>GET /api/health</c> over real HTTP, with no function key: 200 and every dependency up; 503 naming the one that is
/// down when the vault fails, storage is unreachable or the simulator is stopped; nothing secret in the answer; and a
/// flood of polls costs the vault and DatoCMS one check per cache period.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class HealthTests(AzuriteFixture storage) : IAsyncLifetime
{
    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> HealthAsync(GatewayHarness gateway)
    {
        using var anonymous = new HttpClient { BaseAddress = gateway.BaseUrl };
        var response = await anonymous.GetAsync("health");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response);
    }

    private static string StatusOf(JsonObject body, string check) => (string)body["checks"]![check]!["status"]!;

    [Fact]
    public async Task Healthy_when_every_dependency_is_up_without_a_key_and_says_nothing_secret()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.UseKeyVault = true);

        var (status, body, response) = await HealthAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", (string)body["status"]!);
        Assert.Equal(("up", "up", "up"), (StatusOf(body, "keyVault"), StatusOf(body, "storage"), StatusOf(body, "datoCms")));
        Assert.Equal(["checks", "status"], body.Select(m => m.Key).Order());
        Assert.All(body["checks"]!.AsObject(), c => Assert.Equal(["durationMs", "status"], c.Value!.AsObject().Select(m => m.Key).Order()));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var text = body.ToJsonString();
        Assert.DoesNotContain(GatewayHarness.CmaToken, text, StringComparison.Ordinal);
        // The DatoCMS probe carried no credential at all.
        var probe = Assert.Single(gateway.Simulator.State.Requests, r => r.Path == "/site");
        Assert.False(probe.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task The_vault_failing_is_reported_down_with_503()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.UseKeyVault = true);
        gateway.Vault!.FailWith = HttpStatusCode.ServiceUnavailable;

        var (status, body, _) = await HealthAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("unhealthy", "down", "up", "up"), ((string)body["status"]!, StatusOf(body, "keyVault"), StatusOf(body, "storage"), StatusOf(body, "datoCms")));
        Assert.DoesNotContain("503", body.ToJsonString(), StringComparison.Ordinal);   // no error text, no status of the vault's
    }

    [Fact]
    public async Task The_simulator_stopped_is_reported_as_DatoCMS_down()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.Settings["Health:CheckTimeout"] = "00:00:03";
            o.Settings["DatoCms:MaxRetries"] = "0";
        });
        await gateway.Simulator.DisposeAsync();

        var (status, body, _) = await HealthAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("down", "up", "up"), (StatusOf(body, "datoCms"), StatusOf(body, "keyVault"), StatusOf(body, "storage")));
    }

    [Fact]
    public async Task Storage_unreachable_is_reported_down()
    {
        var deadQueues = new QueueServiceClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1"), new QueueClientOptions { Retry = { MaxRetries = 0 } });
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.StartQueueListener = false;
            o.Services = services => services.Replace(ServiceDescriptor.Singleton(deadQueues));
        });

        var (status, body, _) = await HealthAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("down", "up", "up"), (StatusOf(body, "storage"), StatusOf(body, "keyVault"), StatusOf(body, "datoCms")));
    }

    [Fact]
    public async Task An_audit_feed_account_of_its_own_that_is_unreachable_is_reported_as_storage_down()
    {
        // Every change fails closed without the feed, so health must not say storage is up while it cannot be reached.
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.StartQueueListener = false;
            o.Settings["AuditFeedStorage"] =
                $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};QueueEndpoint=http://127.0.0.1:{FreePort.Next()}/devstoreaccount1;";
        });

        var (status, body, _) = await HealthAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("down", "up", "up"), (StatusOf(body, "storage"), StatusOf(body, "keyVault"), StatusOf(body, "datoCms")));
    }

    [Fact]
    public async Task A_flood_of_polls_costs_one_check_per_cache_period()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.UseKeyVault = true;
            o.TimeProvider = time;
            o.Settings["Health:CacheDuration"] = "00:00:15";
            o.Settings["KeyVault:CacheDuration"] = "00:00:05";
        });

        var polls = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => HealthAsync(gateway)));
        var probesAfterFlood = gateway.Simulator.State.Requests.Count(r => r.Path == "/site");
        var readsAfterFlood = gateway.Vault!.SecretReads;
        time.Advance(TimeSpan.FromSeconds(16));
        await HealthAsync(gateway);

        Assert.All(polls, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.Equal((1, 1), (probesAfterFlood, readsAfterFlood));
        // The next period checks again: the vault (its cached token expired meanwhile) once more. DatoCMS's answer to
        // the first probe is still recent evidence (DatoCMS's clock is the wall clock), so no second probe is sent.
        Assert.Equal((1, 2), (gateway.Simulator.State.Requests.Count(r => r.Path == "/site"), gateway.Vault.SecretReads));
    }
}
