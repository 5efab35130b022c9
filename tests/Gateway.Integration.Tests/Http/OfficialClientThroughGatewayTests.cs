using System.Diagnostics;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Xunit.Abstractions;

namespace AccessTokenGateway.Tests.Http;

/// <summary>
/// The official DatoCMS client, pointed at the gateway's base URL, makes every call of issue 15's table through it
/// unchanged (tools/client-check/through-gateway.mjs): updates with and without the role, with metadata (sent as
/// <c>data.meta</c>), partial; find, list; roles.list, roles.find; and a refusal arriving as DatoCMS's ApiError.
/// </summary>
public sealed class OfficialClientThroughGatewayTests(AzuriteFixture storage, ITestOutputHelper output) : GatewayTest(storage)
{
    [Fact]
    public async Task Official_DatoCMS_client_makes_every_call_of_the_table_through_the_gateway_each_answered_200()
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine("tools", "client-check", "through-gateway.mjs"), Gateway.BaseUrl.ToString(), GatewayHarness.FunctionKey, Seed.EditableTokenId })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var summary = await stdout;
        output.WriteLine(summary);

        Assert.True(process.ExitCode == 0, summary + await stderr);
        var table = JsonNode.Parse(summary)!["table"]!.AsArray();
        Assert.Equal(8, table.Count);
        Assert.All(table, row => Assert.Equal(200, (int)row!["status"]!));

        // DatoCMS received a full document every time, the role included, though the client sent some without.
        var token = Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!;
        Assert.Equal(("Renamed with meta", false, Seed.EditorRoleId), (token.Name, token.CanAccessCda, token.RoleId));
        var puts = Gateway.Simulator.State.Requests.Where(r => r.Method == "PUT").ToList();
        Assert.Equal(4, puts.Count);
        Assert.All(puts, put =>
        {
            var data = JsonNode.Parse(put.Body)!["data"]!;
            Assert.Equal(4, data["attributes"]!.AsObject().Count);
            Assert.Equal(Seed.EditorRoleId, (string?)data["relationships"]!["role"]!["data"]!["id"]);
            Assert.Null(data["meta"]);
            Assert.Equal("Bearer " + GatewayHarness.CmaToken, put.Headers["Authorization"]);
        });

        // The metadata the client sent as data.meta is the change's, and the partial update's diff is its one field.
        var outcomes = await Gateway.WaitForAuditAsync(records => records.Count(r => (string?)r["kind"] == "outcome") >= 5);
        Assert.Contains(outcomes, r => (string?)r["requested_by"] == "alice@example.com" && (string?)r["reason"] == "Launch rename");
        var partial = outcomes.Last(r => (string?)r["kind"] == "outcome" && (string?)r["outcome"] == "applied");
        Assert.Equal(["can_access_cda"], partial["diff"]!.AsArray().Select(d => (string?)d!["field"]));

        Assert.DoesNotContain("callers-own-credential", Gateway.Logs.AllText);
        Assert.DoesNotContain(Seed.SecretFor(Seed.EditableTokenId), summary);
    }
}
