using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using CsCheck;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Security;

/// <summary>
/// The generated requests of <see cref="ChangeRequestGen"/> over real HTTP through the local host (the unit tests judge
/// the validator's verdicts on them in process): nothing is ever a 5xx, every refusal is a DatoCMS-shaped error
/// document with the reference's status, and a refused request reaches DatoCMS not at all.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ChangeRequestHttpPropertyTests(AzuriteFixture storage) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        await storage.ResetQueuesAsync();
        // DatoCMS's rate limit is not under test here: a generous one keeps 200 requests fast.
        var simulator = new SimulatorOptions { RateLimitPerWindow = 1_000_000 };
        _gateway = await GatewayHarness.StartAsync(storage, o => o.SimulatorOptions = simulator);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Over_HTTP_nothing_is_a_5xx_and_a_refused_request_is_an_error_document_that_reached_nothing()
    {
        await ChangeRequestGen.For(DateTimeOffset.UtcNow, overHttp: true).SampleAsync(async request =>
        {
            var expected = ReferenceValidator.Http(request.Body, request.RouteId, request.ContentType, DateTimeOffset.UtcNow);
            var before = _gateway.Simulator.State.Requests.Count;

            var response = await _gateway.PutBytesAsync(request.RouteId, request.Body, request.ContentType);

            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status < 500, $"{status}: {text}");
            if (expected is { } refused)
            {
                Assert.True(refused == status, $"reference {refused}, gateway {status}: {text}");
                SecurityHttp.ErrorCodeOf(text);
                Assert.Equal(before, _gateway.Simulator.State.Requests.Count);
            }
            else if (status != 200)
            {
                SecurityHttp.ErrorCodeOf(text); // refused later (policy, DatoCMS): still DatoCMS's error shape
            }
            else
            {
                Assert.Equal("access_token", (string?)JsonNode.Parse(text)!["data"]!["type"]);
            }
        }, iter: 200, threads: 1, print: r => r.ToString());
    }
}
