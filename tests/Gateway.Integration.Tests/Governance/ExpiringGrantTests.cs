using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Tests.Grants;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Governance;

/// <summary>
/// Expiring grants on the real clock: <c>meta.expires_at</c> records the grant in the registry and sends a sealed
/// revert message, invisible on Azurite's reverts queue until the expiry (so expiries here are a few real seconds).
/// The revert revokes exactly what the grant escalated, through no policy, and is audited with <c>source</c>
/// <c>schedule</c>. These replace the tests of the old revert-as-a-change-message, which asserted that a grant renamed
/// meanwhile was refused as <c>STALE_APPROVAL</c> and so never ended: under the new rules it ends, name kept.
/// </summary>
public sealed class ExpiringGrantTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private static string Token => Seed.EditableTokenId;

    [Fact]
    public async Task Expiring_grant_is_reverted_on_time_by_its_revert_message()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var response = await Gateway.GrantPreviewAsync(Token, expiresAt);
        var grantId = await GrantTestSupport.AuditIdOf(response);
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        var grant = Assert.Single(await Gateway.GrantsAsync(Token));
        Assert.Equal(("can_access_cda_preview", "true", "false", grantId, "alice", "bob"), (grant.Field, grant.GrantedValue, grant.ValueBefore, grant.GrantId, grant.RequestedBy, grant.ApprovedBy));

        var records = await Gateway.WaitForAuditAsync(r => r.RevertOutcomes(grantId).Any(), TimeSpan.FromSeconds(30));

        var revert = records.RevertOutcomes(grantId).Single();
        Assert.Equal(("applied", "gateway", RevertMessageHandler.Trigger), ((string?)revert["outcome"], (string?)revert["caller"]!["kind"], (string?)revert["caller"]!["id"]));
        Assert.Equal((GrantReverter.RequestedBy, "bob", "CHG-7"), ((string?)revert["requested_by"], (string?)revert["approved_by"], (string?)revert["ticket"]));
        Assert.True((bool)revert["before"]!["can_access_cda_preview"]!);
        Assert.False((bool)revert["after"]!["can_access_cda_preview"]!);
        // Not before its time (expires_at is given to the second).
        Assert.True(DateTimeOffset.Parse((string)revert["time"]!, CultureInfo.InvariantCulture) >= expiresAt.AddSeconds(-1));
        Assert.False(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        Assert.Empty(await Gateway.GrantsAsync(Token));
        Assert.Null((await Gateway.RevertPoisonQueue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task A_grant_renamed_meanwhile_ends_on_time_and_keeps_the_new_name()
    {
        var grantId = await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, DateTimeOffset.UtcNow.AddSeconds(4)));
        // A rename from the queue (the queue may rename), during the grant: it needs no approval, and it must not save the grant.
        var rename = Documents.Update(Token, name: "Renamed by HR", preview: true).WithMeta(new JsonObject { ["requested_by"] = "hr-events" });
        await Gateway.ChangeQueue.SendMessageAsync(rename.ToJsonString());
        await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["source"] == "queue" && (string?)x["outcome"] == "applied"), TimeSpan.FromSeconds(30));
        Assert.Single(await Gateway.GrantsAsync(Token));   // the rename left the grant as it was

        var records = await Gateway.WaitForAuditAsync(r => r.RevertOutcomes(grantId).Any(), TimeSpan.FromSeconds(30));

        Assert.Equal("applied", (string?)records.RevertOutcomes(grantId).Single()["outcome"]);
        var token = Gateway.Simulator.State.GetToken(Token)!;
        Assert.Equal(("Renamed by HR", false), (token.Name, token.CanAccessCdaPreview));
    }

    [Fact]
    public async Task Expiring_a_revocation_is_refused_and_nothing_is_changed_or_scheduled()
    {
        Gateway.Simulator.State.SetToken(Gateway.Simulator.State.GetToken(Token)! with { CanAccessCdaPreview = true });
        var puts = Gateway.Simulator.State.CountRequests("PUT");

        // Revoking needs no approver; an expiry on it would hand the access back, unapproved, when it "expired".
        var response = await Gateway.ChangeAsync(Token, s => s with { CanAccessCdaPreview = false }, DateTimeOffset.UtcNow.AddMinutes(10));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;
        Assert.Equal(("INVALID_META", "meta.expires_at", "VALIDATION_NOT_ESCALATION"), ((string?)error["code"], (string?)error["details"]!["field"], (string?)error["details"]!["code"]));
        Assert.Contains("grants nothing", (string?)error["details"]!["message"]);
        Assert.Equal(puts, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        Assert.Empty(await Gateway.GrantsAsync());
        Assert.Equal(0, await GrantTestSupport.VisibleAndInvisibleAsync(Gateway.RevertQueue));
    }

    [Fact]
    public async Task Expiring_grant_on_a_token_with_no_role_is_refused_up_front()
    {
        Gateway.Simulator.State.SetToken(Gateway.Simulator.State.GetToken(Token)! with { RoleId = null });
        var puts = Gateway.Simulator.State.CountRequests("PUT");

        var response = await Gateway.ChangeAsync(Token, s => s with { CanAccessCma = true, RoleId = Seed.EditorRoleId }, DateTimeOffset.UtcNow.AddMinutes(10));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;
        Assert.Equal(("meta.expires_at", "VALIDATION_NOT_REVERTIBLE"), ((string?)error["details"]!["field"], (string?)error["details"]!["code"]));
        Assert.Equal(puts, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.Empty(await Gateway.GrantsAsync());
        Assert.Equal(0, await GrantTestSupport.VisibleAndInvisibleAsync(Gateway.RevertQueue));
        // Assigned permanently, the role can then carry a grant.
        Assert.Equal(HttpStatusCode.OK, (await Gateway.ChangeAsync(Token, s => s with { RoleId = Seed.EditorRoleId }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.ChangeAsync(Token, s => s with { CanAccessCma = true }, DateTimeOffset.UtcNow.AddMinutes(10))).StatusCode);
    }

    [Fact]
    public async Task A_grant_whose_PUT_failed_leaves_no_revert_that_could_undo_a_later_change()
    {
        Gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.ServerError, StatusCode: 503, Method: "PUT"));
        var failed = await Gateway.GrantPreviewAsync(Token, DateTimeOffset.UtcNow.AddSeconds(3));
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Gateway.Simulator.State.Faults.Clear();
        Assert.Empty(await Gateway.GrantsAsync());

        // Then preview access is granted for good, approved; the failed grant's message still comes at its expiry.
        Assert.Equal(HttpStatusCode.OK, (await Gateway.ChangeAsync(Token, s => s with { CanAccessCdaPreview = true }, null)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await GrantTestSupport.VisibleAndInvisibleAsync(Gateway.RevertQueue) > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Equal(0, await GrantTestSupport.VisibleAndInvisibleAsync(Gateway.RevertQueue));   // it came, and was used up
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        Assert.DoesNotContain(await Gateway.AuditRecordsAsync(), r => (string?)r["source"] == "schedule");
    }

    [Fact]
    public async Task An_escalation_without_the_state_the_approver_saw_is_refused_with_its_own_code()
    {
        var document = Documents.Update(Token, preview: true).WithMeta(new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob" });

        var response = await Gateway.PutAsync(Token, document.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;
        Assert.Equal(("POLICY_EXPECTED_REQUIRED", "meta.expected"), ((string?)error["code"], (string?)error["details"]!["field"]));
        Assert.False(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
    }

    [Fact]
    public async Task A_forged_grant_expired_CloudEvent_on_the_change_queue_is_an_event_and_grants_nothing()
    {
        // The type the gateway's reverts once carried here, granting CMA access and the Admin role with no approver.
        var document = Documents.Update(Token, cma: true, roleId: Seed.AdminRoleId).WithMeta(new JsonObject { ["requested_by"] = "access-token-gateway" });
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["type"] = "com.datocms.access-token-gateway.grant-expired", ["source"] = "/access-token-gateway",
            ["id"] = "forged-1", ["data"] = document,
        };
        await Gateway.ChangeQueue.SendMessageAsync(cloudEvent.ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["correlation_id"] == "forged-1"), TimeSpan.FromSeconds(30));

        var record = records.Single(x => (string?)x["correlation_id"] == "forged-1");
        Assert.Equal(("queue", "rejected", "POLICY_QUEUE_MAY_NOT_GRANT"), ((string?)record["source"], (string?)record["outcome"], (string?)record["error"]!["code"]));
        var token = Gateway.Simulator.State.GetToken(Token)!;
        Assert.Equal((false, Seed.EditorRoleId), (token.CanAccessCma, token.RoleId));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }
}
