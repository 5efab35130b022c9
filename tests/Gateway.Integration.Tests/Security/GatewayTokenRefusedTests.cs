using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Security;

/// <summary>
/// The gateway's own CMA token is an access-token record in DatoCMS (the simulator's <see cref="Seed.GatewayTokenId"/>):
/// revoked (<c>can_access_cma</c> off) or demoted (a role that may not manage API tokens), DatoCMS refuses it. The
/// gateway then answers a code of its own, not transient (a retry cannot help, and DatoCMS's client would retry
/// forever), changes nothing and audits the attempt.
/// </summary>
public sealed class GatewayTokenRefusedTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private void Revoke() => Gateway.Simulator.State.SetToken(Gateway.Simulator.State.GetToken(Seed.GatewayTokenId)! with { CanAccessCma = false });
    private void Demote() => Gateway.Simulator.State.SetToken(Gateway.Simulator.State.GetToken(Seed.GatewayTokenId)! with { RoleId = Seed.EditorRoleId });

    private static async Task<JsonNode> ErrorOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;

    [Fact]
    public async Task Revoked_gateway_token_gives_CMA_TOKEN_REJECTED_not_transient_after_one_fresh_read_nothing_changed_and_audited()
    {
        Revoke();

        var response = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Never applied").ToJsonString());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("CMA_TOKEN_REJECTED", (string?)error["code"]);
        Assert.Null(error["transient"]);
        Assert.Equal("README.md#cma_token_rejected", (string?)error["doc_url"]);
        // The GET, refused; the vault read again; the GET once more, refused: no PUT.
        Assert.Equal([("GET", 401), ("GET", 401)], Gateway.Simulator.State.Requests.Select(r => (r.Method, r.Status)));
        Assert.Equal("Read-only API token", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["kind"] == "outcome");
        Assert.Equal(("failed", "CMA_TOKEN_REJECTED"), ((string?)outcome["outcome"], (string?)outcome["error"]!["code"]));
    }

    [Fact]
    public async Task Demoted_gateway_token_gives_CMA_TOKEN_FORBIDDEN_not_transient_nothing_changed_and_audited()
    {
        Demote();

        var response = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Never applied").ToJsonString());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("CMA_TOKEN_FORBIDDEN", (string?)error["code"]);
        Assert.Null(error["transient"]);
        Assert.Equal([("GET", 403)], Gateway.Simulator.State.Requests.Select(r => (r.Method, r.Status)));
        Assert.Equal("Read-only API token", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["kind"] == "outcome");
        Assert.Equal(("failed", "CMA_TOKEN_FORBIDDEN"), ((string?)outcome["outcome"], (string?)outcome["error"]!["code"]));
    }

    [Fact]
    public async Task Queue_change_with_a_revoked_gateway_token_is_audited_once_and_completed_not_retried()
    {
        Revoke();

        await Gateway.ChangeQueue.SendMessageAsync(Documents.Update(Seed.EditableTokenId, name: "Never applied").ToJsonString());

        // Outcome records only: the grant sweeper's alerts (about grants other tests left in the shared storage) carry an outcome too.
        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["kind"] == "outcome"));
        var outcome = Assert.Single(records, r => (string?)r["kind"] == "outcome");
        Assert.Equal(("failed", "CMA_TOKEN_REJECTED", 1), ((string?)outcome["outcome"], (string?)outcome["error"]!["code"], (int)outcome["attempt"]!));
        Assert.Equal("Read-only API token", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
        Assert.Empty(await GatewayHarness.Drain(Gateway.PoisonQueue).ToListAsync());
    }

    [Fact]
    public async Task Reads_with_a_demoted_gateway_token_give_CMA_TOKEN_FORBIDDEN()
    {
        Demote();

        var response = await Gateway.Client.GetAsync("access_tokens/" + Seed.EditableTokenId);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("CMA_TOKEN_FORBIDDEN", (string?)(await ErrorOf(response))["code"]);
    }
}
