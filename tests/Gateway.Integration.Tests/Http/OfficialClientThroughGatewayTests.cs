using System.Diagnostics;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Http;

/// <summary>The official DatoCMS client, pointed at the gateway's base URL, updates a token through it unchanged.</summary>
public sealed class OfficialClientThroughGatewayTests(AzuriteFixture storage) : GatewayTest(storage)
{
    [Fact]
    public async Task Official_DatoCMS_client_updates_a_token_through_the_gateway()
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine("tools", "client-check", "through-gateway.mjs"), Gateway.BaseUrl.ToString(), GatewayHarness.FunctionKey, Seed.EditableTokenId })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        Assert.Equal("Renamed by the official client", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
        var put = Assert.Single(Gateway.Simulator.State.Requests, r => r.Method == "PUT");
        Assert.Equal("Bearer " + GatewayHarness.CmaToken, put.Headers["Authorization"]);
        Assert.DoesNotContain("callers-own-credential", Gateway.Logs.AllText);
    }
}
