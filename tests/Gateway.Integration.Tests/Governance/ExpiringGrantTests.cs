using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Governance;

/// <summary>
/// <c>meta.expires_at</c> schedules a revert as a delayed message on the change queue (Azurite's clock decides when it
/// becomes visible, so the expiry here is a few real seconds); the revert goes through the same pipeline with
/// <c>meta.expected</c> = the granted state.
/// </summary>
public sealed class ExpiringGrantTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private async Task<(HttpResponseMessage Response, DateTimeOffset ExpiresAt)> GrantCmaAsync(TimeSpan lifetime)
    {
        var expiresAt = DateTimeOffset.UtcNow.Add(lifetime);
        var body = Documents.Update(Seed.EditableTokenId, cma: true).WithMeta(new JsonObject
        {
            ["requested_by"] = "alice", ["approved_by"] = "bob", ["ticket"] = "CHG-7",
            ["expires_at"] = expiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        });
        return (await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString()), expiresAt);
    }

    [Fact]
    public async Task Expiring_grant_is_reverted_on_time_through_the_pipeline()
    {
        var (response, expiresAt) = await GrantCmaAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["meta"]!["revert_at"]);
        Assert.True(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCma);

        var records = await Gateway.WaitForAuditAsync(r => r.Count(x => (string?)x["outcome"] == "applied") == 2, TimeSpan.FromSeconds(30));

        var revert = records.Last(r => (string?)r["outcome"] == "applied");
        Assert.Equal("queue", (string?)revert["source"]);
        Assert.Equal(QueueRevertScheduler.RequestedBy, (string?)revert["requested_by"]);
        Assert.Equal("CHG-7", (string?)revert["ticket"]);
        Assert.True((bool)revert["before"]!["can_access_cma"]!);
        Assert.False((bool)revert["after"]!["can_access_cma"]!);
        // Not before its time (whole seconds: expires_at is given to the second).
        Assert.True(DateTimeOffset.Parse((string)revert["time"]!, CultureInfo.InvariantCulture) >= expiresAt.AddSeconds(-1));
        Assert.False(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCma);
    }

    [Fact]
    public async Task Revert_does_not_clobber_a_change_someone_made_meanwhile_and_is_audited_as_a_conflict()
    {
        var (response, _) = await GrantCmaAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Someone renames the token directly in DatoCMS before the grant expires.
        var changed = Gateway.Simulator.State.GetToken(Seed.EditableTokenId)! with { Name = "Renamed in DatoCMS" };
        Gateway.Simulator.State.SetToken(changed);

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["source"] == "queue" && x["outcome"] is not null), TimeSpan.FromSeconds(30));

        var revert = records.Single(r => (string?)r["source"] == "queue" && r["outcome"] is not null);
        Assert.Equal("rejected", (string?)revert["outcome"]);
        Assert.Equal("STALE_APPROVAL", (string?)revert["error"]!["code"]);
        var token = Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!;
        Assert.Equal(("Renamed in DatoCMS", true), (token.Name, token.CanAccessCma));
        Assert.Equal(1, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task Revert_message_is_a_delayed_CloudEvent_with_the_granted_state_expected()
    {
        var (response, _) = await GrantCmaAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Invisible until it expires: nothing to receive now, yet the queue holds it.
        Assert.Empty((await Gateway.ChangeQueue.ReceiveMessagesAsync(32)).Value);
        Assert.Equal(1, (await Gateway.ChangeQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var message = QueueRevertScheduler.BuildMessage(new RevertRequest(Seed.EditableTokenId,
            new AccessTokenGateway.Tokens.TokenState("Read-only API token", true, false, false, Seed.EditorRoleId), new AccessTokenGateway.Tokens.TokenState("Read-only API token", true, false, true, Seed.EditorRoleId),
            DateTimeOffset.UtcNow, "grant-1", new AccessTokenGateway.Validation.ChangeMetadata(ApprovedBy: "bob")), DateTimeOffset.UtcNow);
        var change = AccessTokenGateway.Functions.Queue.QueueEnvelope.Read(message);
        Assert.True(change.IsScheduledRevert);
        Assert.Equal(Seed.EditableTokenId, change.TokenId);
        var document = JsonNode.Parse(change.Document.Span)!;
        Assert.False((bool)document["data"]!["attributes"]!["can_access_cma"]!);
        Assert.True((bool)document["meta"]!["expected"]!["can_access_cma"]!);
    }
}
