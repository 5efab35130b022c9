using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Governance;

/// <summary>
/// Updates as DatoCMS and its client send them, on both paths: without <c>relationships</c> (the role is kept), partial
/// (merged with the state read first), metadata in <c>data.meta</c>. DatoCMS always receives a full document; policy
/// judges the merged state, so nothing left out or smuggled in gets around it.
/// </summary>
public sealed class PartialUpdateTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private const string Id = Seed.EditableTokenId;   // seeded: "Read-only API token", cda on, preview off, cma off, role 34

    private static JsonObject Partial(JsonObject attributes, JsonObject? relationships = null, JsonObject? dataMeta = null)
    {
        var data = new JsonObject { ["type"] = "access_token", ["id"] = Id, ["attributes"] = attributes };
        if (relationships is not null) data["relationships"] = relationships;
        if (dataMeta is not null) data["meta"] = dataMeta;
        return new JsonObject { ["data"] = data };
    }

    private static JsonObject Role(string id) => new() { ["role"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "role", ["id"] = id } } };

    private static JsonObject SeedState() => new()
    {
        ["name"] = "Read-only API token", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId,
    };

    private static async Task<JsonNode> BodyOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    private static string? CodeOf(JsonNode body) => (string?)body["data"]![0]!["attributes"]!["code"];

    private JsonNode SinglePutBody() => JsonNode.Parse(Assert.Single(Gateway.Simulator.State.Requests, r => r.Method == "PUT").Body)!;

    private static void AssertFullDocument(JsonNode put, string name, bool cda, bool preview, bool cma, string roleId)
    {
        var attributes = put["data"]!["attributes"]!;
        Assert.Equal((name, cda, preview, cma), ((string?)attributes["name"], (bool)attributes["can_access_cda"]!, (bool)attributes["can_access_cda_preview"]!, (bool)attributes["can_access_cma"]!));
        Assert.Equal(roleId, (string?)put["data"]!["relationships"]!["role"]!["data"]!["id"]);
    }

    [Fact]
    public async Task Http_update_without_relationships_keeps_the_role_and_DatoCMS_receives_it()
    {
        var document = Documents.Update(Id, name: "Renamed, role kept");
        document["data"]!.AsObject().Remove("relationships");

        var response = await Gateway.PutAsync(Id, document.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["name"], (await BodyOf(response))["meta"]!["diff"]!.AsArray().Select(d => (string?)d!["field"]));
        AssertFullDocument(SinglePutBody(), "Renamed, role kept", true, false, false, Seed.EditorRoleId);
    }

    [Fact]
    public async Task Http_partial_update_is_merged_with_the_state_read_first_and_the_diff_and_audit_show_its_one_field()
    {
        var response = await Gateway.PutAsync(Id, Partial(new JsonObject { ["can_access_cda"] = false }).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["can_access_cda"], (await BodyOf(response))["meta"]!["diff"]!.AsArray().Select(d => (string?)d!["field"]));
        AssertFullDocument(SinglePutBody(), "Read-only API token", false, false, false, Seed.EditorRoleId);
        var records = await Gateway.AuditRecordsAsync();
        var intent = Assert.Single(records, r => (string?)r["kind"] == "intent");
        Assert.Equal("Read-only API token", (string?)intent["requested"]!["name"]);   // the merged, full state
        var outcome = Assert.Single(records, r => (string?)r["kind"] == "outcome");
        Assert.Equal(["can_access_cda"], outcome["diff"]!.AsArray().Select(d => (string?)d!["field"]));
    }

    [Fact]
    public async Task Queue_partial_update_that_only_revokes_is_merged_and_applied()
    {
        await Gateway.ChangeQueue.SendMessageAsync(Partial(new JsonObject { ["can_access_cda"] = false }, dataMeta: new JsonObject { ["requested_by"] = "hr-offboarding" }).ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => x["outcome"] is not null));
        var outcome = Assert.Single(records, r => r["outcome"] is not null);
        Assert.Equal(("applied", "queue", "hr-offboarding"), ((string?)outcome["outcome"], (string?)outcome["source"], (string?)outcome["requested_by"]));
        Assert.Equal(["can_access_cda"], outcome["diff"]!.AsArray().Select(d => (string?)d!["field"]));
        AssertFullDocument(SinglePutBody(), "Read-only API token", false, false, false, Seed.EditorRoleId);
    }

    [Fact]
    public async Task Queue_update_without_relationships_keeps_the_role()
    {
        var document = Documents.Update(Id, name: "Renamed by an event");
        document["data"]!.AsObject().Remove("relationships");

        await Gateway.ChangeQueue.SendMessageAsync(document.ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => x["outcome"] is not null));
        Assert.Equal("applied", (string?)Assert.Single(records, r => r["outcome"] is not null)["outcome"]);
        AssertFullDocument(SinglePutBody(), "Renamed by an event", true, false, false, Seed.EditorRoleId);
    }

    [Fact]
    public async Task Partial_update_that_escalates_needs_what_any_escalation_needs()
    {
        var unapproved = await Gateway.PutAsync(Id, Partial(new JsonObject { ["can_access_cma"] = true }).ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, unapproved.StatusCode);
        Assert.Equal("POLICY_APPROVAL_REQUIRED", CodeOf(await BodyOf(unapproved)));
        Assert.DoesNotContain(Gateway.Simulator.State.Requests, r => r.Method == "PUT");

        await Gateway.ChangeQueue.SendMessageAsync(Partial(new JsonObject { ["can_access_cma"] = true }).ToJsonString());
        var records = await Gateway.WaitForAuditAsync(r => r.Count(x => x["outcome"] is not null) >= 2);
        Assert.Contains(records, r => (string?)r["source"] == "queue" && (string?)r["error"]?["code"] == "POLICY_QUEUE_MAY_NOT_GRANT");
        Assert.DoesNotContain(Gateway.Simulator.State.Requests, r => r.Method == "PUT");
        Assert.False(Gateway.Simulator.State.GetToken(Id)!.CanAccessCma);
    }

    [Fact]
    public async Task Partial_update_cannot_smuggle_a_role_change_past_the_escalation_rules()
    {
        // Only a rename in the attributes, and beside it another role: the merged change escalates.
        var response = await Gateway.PutAsync(Id, Partial(new JsonObject { ["name"] = "Harmless rename" }, Role(Seed.AdminRoleId)).ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("POLICY_APPROVAL_REQUIRED", CodeOf(await BodyOf(response)));
        Assert.Equal(Seed.EditorRoleId, Gateway.Simulator.State.GetToken(Id)!.RoleId);

        // Nor as an attribute: the role is no attribute, and an unknown member is refused.
        var asAttribute = await Gateway.PutAsync(Id, Partial(new JsonObject { ["role_id"] = Seed.AdminRoleId }).ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, asAttribute.StatusCode);
        Assert.Equal("INVALID_ATTRIBUTES", CodeOf(await BodyOf(asAttribute)));
        Assert.DoesNotContain(Gateway.Simulator.State.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task A_kept_role_the_policy_does_not_allow_is_refused_as_if_it_were_named()
    {
        await using var gateway = await StartGatewayAsync(o => o.Settings["Policy:AllowedRoleIds"] = Seed.ViewerRoleId);

        var response = await gateway.PutAsync(Id, Partial(new JsonObject { ["name"] = "Renamed" }).ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("POLICY_ROLE_NOT_ALLOWED", CodeOf(await BodyOf(response)));
        Assert.DoesNotContain(gateway.Simulator.State.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task Data_meta_and_meta_that_disagree_are_refused_and_nothing_is_read_or_written()
    {
        // An approval shown in one place and another requester in the other: which one counts is never guessed.
        var document = Partial(new JsonObject { ["can_access_cma"] = true },
            dataMeta: new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = SeedState() });
        document["meta"] = new JsonObject { ["requested_by"] = "bob", ["approved_by"] = "bob", ["expected"] = SeedState() };

        var response = await Gateway.PutAsync(Id, document.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await BodyOf(response))["data"]![0]!["attributes"]!;
        Assert.Equal(("INVALID_META", "data.meta", "VALIDATION_CONFLICT"), ((string?)error["code"], (string?)error["details"]!["field"], (string?)error["details"]!["code"]));
        Assert.Empty(Gateway.Simulator.State.Requests);
    }

    [Fact]
    public async Task Approved_partial_escalation_in_data_meta_with_expected_is_applied_to_the_state_the_approver_saw()
    {
        var meta = new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = SeedState() };
        var response = await Gateway.PutAsync(Id, Partial(new JsonObject { ["can_access_cda_preview"] = true }, dataMeta: meta).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFullDocument(SinglePutBody(), "Read-only API token", true, true, false, Seed.EditorRoleId);
        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["kind"] == "outcome");
        Assert.Equal(("alice", "bob"), ((string?)outcome["requested_by"], (string?)outcome["approved_by"]));
    }

    [Fact]
    public async Task Partial_update_with_a_stale_expected_is_refused_409_and_nothing_is_written()
    {
        // The token changed since the approver looked (someone renamed it in DatoCMS); the partial names only the flag.
        Gateway.Simulator.State.SetToken(Gateway.Simulator.State.GetToken(Id)! with { Name = "Renamed meanwhile" });
        var meta = new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = SeedState() };

        var response = await Gateway.PutAsync(Id, Partial(new JsonObject { ["can_access_cda_preview"] = true }, dataMeta: meta).ToJsonString());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("STALE_APPROVAL", CodeOf(await BodyOf(response)));
        Assert.DoesNotContain(Gateway.Simulator.State.Requests, r => r.Method == "PUT");
    }
}
