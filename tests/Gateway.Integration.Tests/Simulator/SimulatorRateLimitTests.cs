using System.Net.Http.Json;
using DatoCmsSimulator;
using Microsoft.Extensions.Time.Testing;
using static AccessTokenGateway.Tests.Simulator.SimulatorHttp;

namespace AccessTokenGateway.Tests.Simulator;

public sealed class SimulatorRateLimitTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Requests_past_the_limit_get_429_RATE_LIMIT_EXCEEDED_until_the_fixed_window_resets()
    {
        var time = new FakeTimeProvider(Start);
        var options = new SimulatorOptions { RateLimitPerWindow = 2, RateLimitWindow = TimeSpan.FromSeconds(3) };
        await using var server = await SimulatorServer.StartAsync(options, time);
        using var client = Client(server);

        var (first, _) = await SendAsync(client, Get("access_tokens/312"));
        var (second, _) = await SendAsync(client, Put("312", UpdateBody("312")));
        var (limited, limitedBody) = await SendAsync(client, Get("access_tokens/312"));
        time.Advance(TimeSpan.FromSeconds(1.5));
        var (stillLimited, stillLimitedBody) = await SendAsync(client, Put("312", UpdateBody("312", name: "Not applied")));
        time.Advance(TimeSpan.FromSeconds(1.5));
        var (afterReset, _) = await SendAsync(client, Get("access_tokens/312"));

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(("2", "1"), (Header(first, "X-RateLimit-Limit"), Header(first, "X-RateLimit-Remaining")));
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal("0", Header(second, "X-RateLimit-Remaining"));
        AssertError(limited, limitedBody, 429, "RATE_LIMIT_EXCEEDED");
        // DatoCMS documents only X-RateLimit-* on a 429: no Retry-After.
        Assert.Equal(("3", "0", null), (Header(limited, "X-RateLimit-Reset"), Header(limited, "X-RateLimit-Remaining"), Header(limited, "Retry-After")));
        AssertError(stillLimited, stillLimitedBody, 429, "RATE_LIMIT_EXCEEDED");
        Assert.Equal("2", Header(stillLimited, "X-RateLimit-Reset"));
        Assert.Equal("Renamed token", server.State.GetToken("312")!.Name);
        Assert.Equal(200, (int)afterReset.StatusCode);
        Assert.Equal("1", Header(afterReset, "X-RateLimit-Remaining"));
        Assert.Equal([200, 200, 429, 429, 200], server.State.Requests.Select(r => r.Status).ToArray());
    }

    [Fact]
    public async Task The_limit_is_counted_per_api_token()
    {
        var time = new FakeTimeProvider(Start);
        var options = new SimulatorOptions { RateLimitPerWindow = 1 };
        options.ApiTokens.Add("second-token");
        await using var server = await SimulatorServer.StartAsync(options, time);
        using var client = Client(server);

        var (a1, _) = await SendAsync(client, Get("access_tokens/312"));
        var (a2, _) = await SendAsync(client, Get("access_tokens/312"));
        var (b1, _) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", bearer: "second-token"));

        Assert.Equal((200, 429, 200), ((int)a1.StatusCode, (int)a2.StatusCode, (int)b1.StatusCode));
    }

    [Fact]
    public async Task Unauthenticated_and_admin_requests_do_not_count()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = 1 }, time);
        using var client = Client(server);

        for (var i = 0; i < 3; i++)
        {
            var (refused, _) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", bearer: "nope"));
            Assert.Equal(401, (int)refused.StatusCode);
            using var admin = await client.GetAsync("_simulator/tokens/312");
            Assert.Equal(200, (int)admin.StatusCode);
        }
        var (ok, _) = await SendAsync(client, Get("access_tokens/312"));

        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task Rate_limit_can_be_changed_at_run_time_through_the_admin_endpoint()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await SimulatorServer.StartAsync(timeProvider: time);
        using var client = Client(server);

        using (var set = await client.PutAsJsonAsync("_simulator/rate-limit", new { perWindow = 1, windowSeconds = 10 }))
        {
            Assert.Equal(200, (int)set.StatusCode);
        }
        var (first, _) = await SendAsync(client, Get("access_tokens/312"));
        var (second, _) = await SendAsync(client, Get("access_tokens/312"));

        Assert.Equal(1, server.State.Options.RateLimitPerWindow);
        Assert.Equal(TimeSpan.FromSeconds(10), server.State.Options.RateLimitWindow);
        Assert.Equal("1", Header(first, "X-RateLimit-Limit"));
        Assert.Equal(429, (int)second.StatusCode);
        Assert.Equal("10", Header(second, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Reset_clears_the_rate_limit_windows()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = 1 }, time);
        using var client = Client(server);

        await SendAsync(client, Get("access_tokens/312"));
        var (limited, _) = await SendAsync(client, Get("access_tokens/312"));
        server.State.Reset();
        var (afterReset, _) = await SendAsync(client, Get("access_tokens/312"));

        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal(200, (int)afterReset.StatusCode);
    }
}
