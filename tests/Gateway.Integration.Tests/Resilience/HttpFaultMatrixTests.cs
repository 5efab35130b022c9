using System.Net;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>
/// Each fault the simulator can inject, on the HTTP path, and what the caller and the audit trail see. Retries are
/// made fast (10 ms base back-off); the outcomes, not the timings, are asserted.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class HttpFaultMatrixTests(AzuriteFixture storage) : IAsyncLifetime
{
    private const string Token = Seed.EditableTokenId;

    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, FaultKind, int, string> FaultsThatPass => new()
    {
        { "500 on the read", FaultKind.ServerError, 500, "GET" },
        { "503 on the write", FaultKind.ServerError, 503, "PUT" },
        { "error marked transient (503)", FaultKind.TransientError, 503, "PUT" },
        { "4xx error marked transient (409)", FaultKind.TransientError, 409, "PUT" },
        { "HTML 502 page from a proxy", FaultKind.HtmlBadGateway, 502, "PUT" },
        { "dropped connection", FaultKind.DropConnection, 0, "PUT" },
        { "429 with X-RateLimit-Reset: 1", FaultKind.RateLimitStorm, 429, "GET" },
    };

    [Theory]
    [MemberData(nameof(FaultsThatPass))]
    public async Task A_transient_fault_is_retried_and_the_change_applied(string fault, FaultKind kind, int status, string method)
    {
        await using var gateway = await GatewayHarness.StartAsync(storage);
        gateway.Simulator.State.Faults.Add(new Fault(kind, StatusCode: status == 0 ? 500 : status, ResetSeconds: 1, Method: method));

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "After " + fault));
        var (answer, body) = await response.ReadAsync();

        Assert.True(answer == HttpStatusCode.OK, body);
        Assert.Equal("After " + fault, gateway.Simulator.State.GetToken(Token)!.Name);
        Assert.Equal([status, 200], gateway.Simulator.State.Requests.Where(r => r.Method == method).Select(r => r.Status));
        var outcome = await gateway.OutcomeAsync(response);
        Assert.Equal(("applied", 3), (outcome.Outcome(), outcome.UpstreamAttempts()));
    }

    [Fact]
    public async Task A_retried_fault_is_counted_in_the_audited_upstream_attempts()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage);
        gateway.Simulator.State.Faults.Add(new Fault(FaultKind.ServerError, Count: 2, StatusCode: 503, Method: "PUT"));

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Third time lucky"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await gateway.OutcomeAsync(response);
        Assert.Equal("applied", outcome.Outcome());
        Assert.Equal(4, outcome.UpstreamAttempts());   // one GET, three PUTs
    }

    [Fact]
    public async Task An_attempt_that_outlasts_its_time_out_is_abandoned_and_retried()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["DatoCms:AttemptTimeout"] = "00:00:00.300");
        gateway.Simulator.State.Faults.Add(new Fault(FaultKind.Latency, Delay: TimeSpan.FromSeconds(20), Method: "GET"));

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "After a slow read"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await gateway.OutcomeAsync(response);
        Assert.Equal("applied", outcome.Outcome());
        Assert.Equal(3, outcome.UpstreamAttempts());   // the abandoned GET, its retry, the PUT
    }

    public static TheoryData<string, FaultKind, int> FaultsThatLast => new()
    {
        { "500 every time", FaultKind.ServerError, 500 },
        { "transient 503 every time", FaultKind.TransientError, 503 },
        { "HTML 502 every time", FaultKind.HtmlBadGateway, 502 },
        { "connection dropped every time", FaultKind.DropConnection, 500 },
    };

    [Theory]
    [MemberData(nameof(FaultsThatLast))]
    public async Task A_fault_that_outlasts_the_retries_is_answered_502_audited_as_failed_or_unknown_and_nothing_is_applied(string fault, FaultKind kind, int status)
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["DatoCms:MaxRetries"] = "2");
        gateway.Simulator.State.Faults.SetPersistent(new Fault(kind, StatusCode: status, Method: "PUT"));

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Never " + fault));
        var (answer, body) = await response.ReadAsync();

        Assert.Equal(HttpStatusCode.BadGateway, answer);
        Assert.Equal("UPSTREAM_FAILURE", ResilienceAudit.ErrorCodeOf(body));
        Assert.Equal("Read-only API token", gateway.Simulator.State.GetToken(Token)!.Name);
        Assert.Equal(3, gateway.Simulator.Count("PUT"));
        var outcome = await gateway.OutcomeAsync(response);
        // A PUT DatoCMS answered with a failure is "failed"; one whose answer never came may have been applied: "unknown".
        var expected = kind == FaultKind.DropConnection ? "unknown" : "failed";
        Assert.Equal((expected, "UPSTREAM_FAILURE"), (outcome.Outcome(), outcome.ErrorCode()));
        Assert.True((await gateway.AuditRecordsAsync()).HasIntent(response.Headers.GetValues("X-Audit-Id").Single()));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(409)]
    [InlineData(422)]
    public async Task A_DatoCMS_4xx_not_marked_transient_is_never_retried_and_passes_through(int status)
    {
        await using var gateway = await GatewayHarness.StartAsync(storage);
        gateway.Simulator.State.Faults.Add(new Fault(FaultKind.ServerError, StatusCode: status, Method: "PUT"));

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Refused"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, gateway.Simulator.Count("PUT"));
        var outcome = await gateway.OutcomeAsync(response);
        Assert.Equal(("rejected", 1 + 1), (outcome.Outcome(), outcome.UpstreamAttempts()));
    }

    [Fact]
    public async Task A_rate_limit_longer_than_the_call_may_wait_is_answered_429_with_Retry_After_and_the_next_call_fails_fast_without_reaching_DatoCMS()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["DatoCms:MaxRateLimitWait"] = "00:00:02");
        gateway.Simulator.State.Faults.Add(new Fault(FaultKind.RateLimitStorm, ResetSeconds: 30, Method: "GET"));

        var first = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Too soon"));
        var second = await gateway.PutAsync(Seed.SecondEditableTokenId, ResilienceAudit.Rename(gateway.Simulator, Seed.SecondEditableTokenId, "Also too soon"));

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), first.Headers.RetryAfter?.Delta);
        Assert.Equal(["30"], first.Headers.GetValues("X-RateLimit-Reset"));   // what DatoCMS's own client waits on
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.InRange(second.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal("RATE_LIMIT_EXCEEDED", ResilienceAudit.ErrorCodeOf(await second.Content.ReadAsStringAsync()));
        Assert.Equal([429], gateway.Simulator.State.Requests.Select(r => r.Status));   // one GET, not retried; the second never sent
        foreach (var response in new[] { first, second })
        {
            var outcome = await gateway.OutcomeAsync(response);
            Assert.Equal(("failed", "RATE_LIMIT_EXCEEDED"), (outcome.Outcome(), outcome.ErrorCode()));
        }
        Assert.Equal("Read-only API token", gateway.Simulator.State.GetToken(Token)!.Name);
    }

    [Fact]
    public async Task A_dead_DatoCMS_opens_the_circuit_and_later_calls_fail_fast_without_reaching_it()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.Settings["DatoCms:MaxRetries"] = "1";
            o.Settings["DatoCms:CircuitBreakerMinimumThroughput"] = "2";
            o.Settings["DatoCms:CircuitBreakerFailureRatio"] = "0.5";
            o.Settings["DatoCms:CircuitBreakerBreakDuration"] = "00:05:00";
        });
        gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.DropConnection));

        var first = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Dead"));
        var reached = gateway.Simulator.State.Requests.Count;
        gateway.Simulator.State.Faults.Clear();
        var second = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Still open"));

        Assert.Equal((HttpStatusCode.BadGateway, HttpStatusCode.BadGateway), (first.StatusCode, second.StatusCode));
        Assert.Equal(2, reached);
        Assert.Equal(reached, gateway.Simulator.State.Requests.Count);
        var outcomes = new[] { await gateway.OutcomeAsync(first), await gateway.OutcomeAsync(second) };
        Assert.All(outcomes, o => Assert.Equal(("failed", "UPSTREAM_FAILURE"), (o.Outcome(), o.ErrorCode())));
        Assert.Equal([2, 0], outcomes.Select(o => o.UpstreamAttempts()));
    }
}
