using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Approvals;

/// <summary>
/// The approval rules attacked over real HTTP and the real queue: an approver asserted by an untrusted caller, a look-alike
/// of the requester, metadata added or changed after signing, the gateway's own CMA token, and ids in another spelling.
/// Every refusal is audited and nothing reaches DatoCMS's PUT.
/// </summary>
public sealed class ApprovalAttackTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private const string UntrustedKey = "untrusted-ci-key-7d21e0";
    private const string GatewayTokenId = "150";

    protected override void Configure(HarnessOptions options) =>
        options.Settings["LocalHost:FunctionKeys:ci-bot"] = UntrustedKey;   // a valid key, but not an approval caller

    private static string Grant(string requestedBy = "alice@example.com", string? approvedBy = "bob@example.com")
    {
        // The state the approver saw, as every escalation carries it (Policy:RequireExpectedForEscalation).
        var meta = new JsonObject { ["requested_by"] = requestedBy, ["expected"] = JsonNode.Parse("""{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""") };
        if (approvedBy is not null) meta["approved_by"] = approvedBy;
        return Documents.Update(Seed.EditableTokenId, preview: true).WithMeta(meta).ToJsonString();
    }

    private static async Task<(string? Code, string? Field)> ErrorOf(HttpResponseMessage response)
    {
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;
        return ((string?)error["code"], (string?)error["details"]?["field"]);
    }

    private void NothingWasWritten()
    {
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.False(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCdaPreview);
    }

    [Fact]
    public async Task An_escalation_from_a_caller_not_trusted_with_approvals_is_refused_though_it_names_an_approver()
    {
        var response = await Gateway.PutAsync(Seed.EditableTokenId, Grant(), customize: r =>
        {
            r.Headers.Remove("x-functions-key");
            r.Headers.Add("x-functions-key", UntrustedKey);
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(("POLICY_APPROVER_NOT_TRUSTED", "meta.approved_by"), await ErrorOf(response));
        NothingWasWritten();
        var record = Assert.Single(await Gateway.AuditRecordsAsync());
        Assert.Equal(("rejected", "function_key", "ci-bot"), ((string?)record["outcome"], (string?)record["caller"]!["kind"], (string?)record["caller"]!["id"]));
    }

    [Fact]
    public async Task The_same_escalation_from_the_trusted_caller_is_applied()
    {
        var response = await Gateway.PutAsync(Seed.EditableTokenId, Grant());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCdaPreview);
    }

    [Theory]
    [InlineData("mallory@example.com\u200B", HttpStatusCode.UnprocessableEntity, "INVALID_META")]   // the measured case
    [InlineData("mal\u00ADlory@example.com", HttpStatusCode.UnprocessableEntity, "INVALID_META")]
    [InlineData("mallory\u2060@example.com", HttpStatusCode.UnprocessableEntity, "INVALID_META")]
    [InlineData("mаllory@example.com", HttpStatusCode.UnprocessableEntity, "INVALID_META")]          // Cyrillic а
    [InlineData("Mallory@Example.com", HttpStatusCode.Forbidden, "POLICY_APPROVAL_REQUIRED")]
    [InlineData("ｍａｌｌｏｒｙ@example.com", HttpStatusCode.Forbidden, "POLICY_APPROVAL_REQUIRED")]
    public async Task A_look_alike_of_the_requester_is_not_a_second_person(string approver, HttpStatusCode status, string code)
    {
        var response = await Gateway.PutAsync(Seed.EditableTokenId, Grant("mallory@example.com", approver));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal((code, "meta.approved_by"), await ErrorOf(response));
        NothingWasWritten();
    }

    [Fact]
    public async Task The_recorded_names_are_their_one_form()
    {
        await Gateway.PutAsync(Seed.EditableTokenId, Grant("Alice@Example.com", "ＢＯＢ@example.com"));

        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["kind"] == "outcome");
        Assert.Equal(("alice@example.com", "bob@example.com"), ((string?)outcome["requested_by"], (string?)outcome["approved_by"]));
    }

    [Theory]
    [InlineData("0312")]
    [InlineData("+312")]
    [InlineData("%20312")]
    [InlineData("312%20")]
    public async Task An_id_in_another_spelling_is_refused_before_policy_locks_and_DatoCMS(string routeId)
    {
        var spelled = Uri.UnescapeDataString(routeId);
        var body = Documents.Update(spelled, name: "Renamed").ToJsonString();

        var response = await Gateway.PutAsync(routeId, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(("INVALID_FIELD", "id"), await ErrorOf(response));
        Assert.Empty(Gateway.Simulator.State.Requests);
        var record = Assert.Single(await Gateway.AuditRecordsAsync());
        Assert.Equal(("rejected", "id"), ((string?)record["outcome"], (string?)record["error"]!["field"]));
    }

    /// <summary>The gateway's CMA token as an ordinary DatoCMS access token: its record carries the bearer the gateway uses.</summary>
    private void SeedTheGatewaysOwnToken() =>
        Gateway.Simulator.State.SetToken(new AccessTokenState(GatewayTokenId, "Access Token Gateway", GatewayHarness.CmaToken, null, true, true, true, Seed.AdminRoleId));

    private static JsonObject LockOut() => Documents.Update(GatewayTokenId, name: "Access Token Gateway", cda: true, preview: true, cma: false, roleId: Seed.AdminRoleId);

    [Fact]
    public async Task Over_HTTP_the_gateways_own_token_cannot_be_changed()
    {
        SeedTheGatewaysOwnToken();

        var response = await Gateway.PutAsync(GatewayTokenId, LockOut().ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(("POLICY_GATEWAY_TOKEN", "id"), await ErrorOf(response));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.True(Gateway.Simulator.State.GetToken(GatewayTokenId)!.CanAccessCma);
        var record = Assert.Single(await Gateway.AuditRecordsAsync());
        Assert.Equal(("rejected", "POLICY_GATEWAY_TOKEN"), ((string?)record["outcome"], (string?)record["error"]!["code"]));
        Assert.DoesNotContain(GatewayHarness.CmaToken, record.ToJsonString());
    }

    [Fact]
    public async Task A_revoking_queue_event_cannot_change_the_gateways_own_token()
    {
        SeedTheGatewaysOwnToken();

        await Gateway.ChangeQueue.SendMessageAsync(LockOut().ToJsonString());

        var record = Assert.Single(await Gateway.WaitForAuditAsync(r => r.Count > 0));
        Assert.Equal(("queue", "rejected", "POLICY_GATEWAY_TOKEN"), ((string?)record["source"], (string?)record["outcome"], (string?)record["error"]!["code"]));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.True(Gateway.Simulator.State.GetToken(GatewayTokenId)!.CanAccessCma);
    }
}
