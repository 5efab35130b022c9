using System.Net.Http.Json;
using System.Text.Json;
using DatoCmsSimulator;
using Microsoft.Extensions.Time.Testing;
using static AccessTokenGateway.Tests.Simulator.SimulatorHttp;

namespace AccessTokenGateway.Tests.Simulator;

public sealed class SimulatorFaultTests
{
    [Theory]
    [InlineData(500, "EXCEPTION")]
    [InlineData(502, "SERVICE_UNAVAILABLE")]
    [InlineData(503, "SERVICE_UNAVAILABLE")]
    public async Task ServerError_answers_the_status_with_a_DatoCMS_error_document_for_Count_requests(int status, string code)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.ServerError, Count: 2, StatusCode: status));

        var (first, firstBody) = await SendAsync(client, Get("access_tokens/312"));
        var (second, secondBody) = await SendAsync(client, Get("access_tokens/312"));
        var (third, _) = await SendAsync(client, Get("access_tokens/312"));

        var attributes = AssertError(first, firstBody, status, code);
        Assert.False(attributes.TryGetProperty("transient", out _));
        AssertError(second, secondBody, status, code);
        Assert.Equal(200, (int)third.StatusCode);
        Assert.Equal([status, status, 200], server.State.Requests.Select(r => r.Status).ToArray());
    }

    [Fact]
    public async Task A_fault_may_name_any_of_DatoCMSs_codes_such_as_MAINTENANCE_MODE()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.ServerError, StatusCode: 503, Code: "MAINTENANCE_MODE"));

        var (response, body) = await SendAsync(client, Put("312", UpdateBody("312")));

        AssertError(response, body, 503, "MAINTENANCE_MODE");
    }

    [Fact]
    public async Task TransientError_is_marked_transient()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.TransientError, StatusCode: 503));

        var (response, body) = await SendAsync(client, Put("312", UpdateBody("312")));

        var attributes = AssertError(response, body, 503, "SERVICE_UNAVAILABLE");
        Assert.True(attributes.GetProperty("transient").GetBoolean());
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
    }

    [Fact]
    public async Task HtmlBadGateway_answers_502_with_an_html_page()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.HtmlBadGateway));

        using var response = await client.SendAsync(Put("312", UpdateBody("312")));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html>", text, StringComparison.Ordinal);
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
        Assert.Equal(502, Assert.Single(server.State.Requests).Status);
    }

    [Fact]
    public async Task DropConnection_aborts_without_an_answer_and_is_recorded_with_status_0()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.DropConnection, Method: "PUT"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Put("312", UpdateBody("312"))));
        var (after, _) = await SendAsync(client, Get("access_tokens/312"));

        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
        Assert.Equal(200, (int)after.StatusCode);
        var dropped = server.State.Requests.First(r => r.Method == "PUT");
        Assert.Equal(0, dropped.Status);
        Assert.Contains("\"access_token\"", dropped.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimitStorm_answers_429_with_the_given_reset()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.RateLimitStorm, Count: 1, ResetSeconds: 7));

        var (response, body) = await SendAsync(client, Put("312", UpdateBody("312")));
        var (next, _) = await SendAsync(client, Put("312", UpdateBody("312")));

        AssertError(response, body, 429, "RATE_LIMIT_EXCEEDED");
        Assert.Equal("7", Header(response, "X-RateLimit-Reset"));
        Assert.Equal("0", Header(response, "X-RateLimit-Remaining"));
        Assert.Equal(200, (int)next.StatusCode);
    }

    [Fact]
    public async Task Latency_fault_delays_on_the_injected_clock_then_answers_normally()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var server = await SimulatorServer.StartAsync(timeProvider: time);
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.Latency, Delay: TimeSpan.FromSeconds(30)));

        var pending = client.SendAsync(Get("access_tokens/312"));
        var advanced = await AdvanceUntilCompletedAsync(time, pending, TimeSpan.FromSeconds(5));
        using var response = await pending;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(advanced >= TimeSpan.FromSeconds(30), $"answered after only {advanced} of fake time");
    }

    [Fact]
    public async Task Persistent_latency_applies_to_every_api_request_until_cleared()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var server = await SimulatorServer.StartAsync(timeProvider: time);
        using var client = Client(server);
        server.State.Faults.SetLatency(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 2; i++)
        {
            var pending = client.SendAsync(Get("access_tokens/312"));
            var advanced = await AdvanceUntilCompletedAsync(time, pending, TimeSpan.FromSeconds(2));
            using var response = await pending;
            Assert.Equal(200, (int)response.StatusCode);
            Assert.True(advanced >= TimeSpan.FromSeconds(10));
        }
        server.State.Faults.Clear();
        using var fast = await client.SendAsync(Get("access_tokens/312"));

        Assert.Equal(200, (int)fast.StatusCode);
        Assert.Equal(TimeSpan.Zero, server.State.Faults.Latency);
    }

    [Fact]
    public async Task Faults_only_hit_requests_matching_method_and_path_prefix()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.Add(new Fault(FaultKind.ServerError, Method: "PUT", PathPrefix: "/access_tokens/313"));

        var (get, _) = await SendAsync(client, Get("access_tokens/313"));
        var (otherPut, _) = await SendAsync(client, Put("312", UpdateBody("312")));
        var (matching, _) = await SendAsync(client, Put("313", UpdateBody("313")));

        Assert.Equal((200, 200, 500), ((int)get.StatusCode, (int)otherPut.StatusCode, (int)matching.StatusCode));
        Assert.Equal(0, server.State.Faults.Pending);
        Assert.Equal("Preview API token", server.State.GetToken("313")!.Name);
    }

    [Fact]
    public async Task Persistent_fault_applies_until_cleared()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.Faults.SetPersistent(new Fault(FaultKind.ServerError, StatusCode: 503));

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++) statuses.Add((int)(await SendAsync(client, Put("312", UpdateBody("312")))).Response.StatusCode);
        server.State.Faults.Clear();
        statuses.Add((int)(await SendAsync(client, Put("312", UpdateBody("312")))).Response.StatusCode);

        Assert.Equal([503, 503, 503, 200], statuses);
    }

    [Fact]
    public async Task Faults_can_be_driven_through_the_admin_endpoints()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        using (var add = await client.PostAsJsonAsync("_simulator/faults", new { kind = "TransientError", count = 2, statusCode = 502, method = "put" }))
        {
            Assert.Equal(201, (int)add.StatusCode);
        }
        using (var bad = await client.PostAsJsonAsync("_simulator/faults", new { kind = "Meteor" }))
        {
            Assert.Equal(400, (int)bad.StatusCode);
        }
        var (faulted, faultedBody) = await SendAsync(client, Put("312", UpdateBody("312")));
        using (var clear = await client.DeleteAsync("_simulator/faults")) Assert.Equal(204, (int)clear.StatusCode);
        var (ok, _) = await SendAsync(client, Put("312", UpdateBody("312", name: "After clear")));
        using (var latency = await client.PutAsJsonAsync("_simulator/latency", new { milliseconds = 250 })) Assert.Equal(204, (int)latency.StatusCode);
        var latencyNow = server.State.Faults.Latency;
        using (var persistent = await client.PostAsJsonAsync("_simulator/faults", new { kind = "html_bad_gateway", persistent = true })) Assert.Equal(201, (int)persistent.StatusCode);
        var persistentFault = server.State.Faults.Persistent;
        using var tokenResponse = await client.GetAsync("_simulator/tokens/312");
        using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        using var requestsResponse = await client.GetAsync("_simulator/requests?method=PUT");
        using var requests = JsonDocument.Parse(await requestsResponse.Content.ReadAsStringAsync());
        using (var reset = await client.PostAsync("_simulator/reset", null)) Assert.Equal(204, (int)reset.StatusCode);

        var attributes = AssertError(faulted, faultedBody, 502, "SERVICE_UNAVAILABLE");
        Assert.True(attributes.GetProperty("transient").GetBoolean());
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(250), latencyNow);
        Assert.Equal(FaultKind.HtmlBadGateway, persistentFault?.Kind);
        Assert.Equal("After clear", token.RootElement.GetProperty("name").GetString());
        Assert.Equal(Seed.SecretFor("312"), token.RootElement.GetProperty("token").GetString());
        Assert.Equal([502, 200], requests.RootElement.EnumerateArray().Select(r => r.GetProperty("status").GetInt32()).ToArray());
        Assert.Null(server.State.Faults.Persistent);
        Assert.Equal(TimeSpan.Zero, server.State.Faults.Latency);
        Assert.Empty(server.State.Requests);
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
    }

    /// <summary>Advances fake time in steps until the request completes (bounded); returns the fake time advanced.</summary>
    private static async Task<TimeSpan> AdvanceUntilCompletedAsync(FakeTimeProvider time, Task pending, TimeSpan step)
    {
        var advanced = TimeSpan.Zero;
        for (var i = 0; i < 2000 && !pending.IsCompleted; i++)
        {
            await Task.Delay(5);
            if (pending.IsCompleted) break;
            time.Advance(step);
            advanced += step;
        }
        Assert.True(pending.IsCompleted, "the delayed request never completed");
        return advanced;
    }
}
