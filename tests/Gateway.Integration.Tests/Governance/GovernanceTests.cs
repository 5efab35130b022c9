using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Governance;

/// <summary>What makes the gateway more than a proxy: read first, diff, no-op, stale approvals, policy, dry run.</summary>
public sealed class GovernanceTests(AzuriteFixture storage) : GatewayTest(storage)
{
    /// <summary>Approved, with the state the approver saw (the seed's; an escalation needs it): <paramref name="extra"/> may replace it.</summary>
    private static JsonObject Approved(JsonObject document, JsonObject? extra = null)
    {
        var meta = new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = ExpectedSeedState() };
        foreach (var (key, value) in extra ?? []) meta[key] = value?.DeepClone();
        return document.WithMeta(meta);
    }

    private static JsonObject ExpectedSeedState(string? name = null) => new()
    {
        ["name"] = name ?? "Read-only API token", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId,
    };

    private static async Task<JsonNode> BodyOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    private static string? CodeOf(JsonNode body) => (string?)body["data"]![0]!["attributes"]!["code"];

    [Fact]
    public async Task Change_that_changes_nothing_sends_no_put_and_is_audited_as_no_change()
    {
        var response = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyOf(response);
        Assert.Equal("no_change", (string?)body["meta"]!["outcome"]);
        Assert.Empty(body["meta"]!["diff"]!.AsArray());
        Assert.Null(body["data"]!["attributes"]!["token"]);
        Assert.Equal(["GET"], Gateway.Simulator.State.Requests.Select(r => r.Method));
        var record = Assert.Single(await Gateway.AuditRecordsAsync());
        Assert.Equal("no_change", (string?)record["outcome"]);
    }

    [Fact]
    public async Task Diff_between_current_and_requested_state_is_in_the_answer_and_the_audit()
    {
        var response = await Gateway.PutAsync(Seed.EditableTokenId,
            Approved(Documents.Update(Seed.EditableTokenId, name: "Launch token", cma: true, roleId: Seed.ViewerRoleId)).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var diff = (await BodyOf(response))["meta"]!["diff"]!.AsArray().Select(d => (string?)d!["field"]).ToList();
        Assert.Equal(["name", "can_access_cma", "role_id"], diff);
        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => r["outcome"] is not null);
        Assert.Equal(diff, outcome["diff"]!.AsArray().Select(d => (string?)d!["field"]));
    }

    [Fact]
    public async Task Stale_approval_is_refused_with_409_and_the_difference_and_nothing_changes()
    {
        // The approver saw a different name than the token now has.
        var body = Approved(Documents.Update(Seed.EditableTokenId, cma: true), new JsonObject { ["expected"] = ExpectedSeedState("Name the approver saw") });

        var response = await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = (await BodyOf(response))["data"]![0]!["attributes"]!;
        Assert.Equal("STALE_APPROVAL", (string?)error["code"]);
        var difference = Assert.Single(error["details"]!["differences"]!.AsArray());
        Assert.Equal(("name", "Name the approver saw", "Read-only API token"), ((string?)difference!["field"], (string?)difference["expected"], (string?)difference["current"]));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.Equal("rejected", (string?)Assert.Single(await Gateway.AuditRecordsAsync())["outcome"]);
    }

    [Fact]
    public async Task Matching_expected_state_lets_the_change_through()
    {
        var body = Approved(Documents.Update(Seed.EditableTokenId, cma: true), new JsonObject { ["expected"] = ExpectedSeedState() });

        var response = await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCma);
    }

    [Fact]
    public async Task Expected_state_in_the_header_works_like_meta_expected()
    {
        var response = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Renamed").ToJsonString(),
            customize: r => r.Headers.Add("X-Change-Expected", ExpectedSeedState("Someone else's name").ToJsonString()));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    public static TheoryData<string, string, string, string> PolicyRefusals() => new()
    {
        // rule, setting, body kind, expected code
        { "protected token", "Policy:ProtectedTokenIds:0=312", "rename", "POLICY_PROTECTED_TOKEN" },
        { "role not allowed", "Policy:AllowedRoleIds:0=36", "rename", "POLICY_ROLE_NOT_ALLOWED" },
        { "ticket required", "Policy:TicketPattern=^CHG-[0-9]+$", "rename", "POLICY_TICKET_REQUIRED" },
        { "escalation without an approver", "", "grant-unapproved", "POLICY_APPROVAL_REQUIRED" },
        { "escalation approved by the requester", "", "grant-self-approved", "POLICY_APPROVAL_REQUIRED" },
        { "role change approved by the requester", "", "role-self-approved", "POLICY_APPROVAL_REQUIRED" },
    };

    [Theory]
    [MemberData(nameof(PolicyRefusals))]
    public async Task Policy_refusal_is_a_403_with_its_code_audited_and_nothing_is_written(string rule, string setting, string kind, string code)
    {
        await using var gateway = await StartGatewayAsync(o =>
        {
            if (setting.Length > 0) o.Settings[setting.Split('=')[0]] = setting[(setting.IndexOf('=') + 1)..];
        });
        var body = kind switch
        {
            "rename" => Documents.Update(Seed.EditableTokenId, name: "Renamed").WithMeta(new JsonObject { ["ticket"] = "JIRA-1" }),
            "grant-unapproved" => Documents.Update(Seed.EditableTokenId, cma: true).WithMeta(new JsonObject { ["requested_by"] = "alice" }),
            "grant-self-approved" => Documents.Update(Seed.EditableTokenId, cma: true).WithMeta(new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "ALICE" }),
            _ => Documents.Update(Seed.EditableTokenId, roleId: Seed.AdminRoleId).WithMeta(new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "alice" }),
        };

        var response = await gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString());

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, rule);
        Assert.Equal(code, CodeOf(await BodyOf(response)));
        Assert.Equal(0, gateway.Simulator.State.CountRequests("PUT"));
        var record = Assert.Single(await gateway.AuditRecordsAsync());
        Assert.Equal(("rejected", code), ((string?)record["outcome"], (string?)record["error"]!["code"]));
    }

    [Fact]
    public async Task Revocation_needs_no_approver_and_a_matching_ticket_passes_the_ticket_rule()
    {
        await using var gateway = await StartGatewayAsync(o => o.Settings["Policy:TicketPattern"] = "^CHG-[0-9]+$");

        var response = await gateway.PutAsync(Seed.EditableTokenId,
            Documents.Update(Seed.EditableTokenId, cda: false).WithMeta(new JsonObject { ["ticket"] = "CHG-42" }).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCda);
    }

    [Theory]
    [InlineData("meta")]
    [InlineData("query")]
    [InlineData("header")]
    public async Task Dry_run_does_everything_but_the_put_and_is_audited_as_dry_run(string how)
    {
        var document = Approved(Documents.Update(Seed.EditableTokenId, cma: true), how == "meta" ? new JsonObject { ["dry_run"] = true } : null);

        var response = await Gateway.PutAsync(Seed.EditableTokenId + (how == "query" ? "?dry_run=true" : ""), document.ToJsonString(),
            customize: r => { if (how == "header") r.Headers.Add("X-Change-Dry-Run", "true"); });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyOf(response);
        Assert.Equal("dry_run", (string?)body["meta"]!["outcome"]);
        Assert.Equal("allowed", (string?)body["meta"]!["policy"]);
        Assert.Equal("can_access_cma", (string?)body["meta"]!["diff"]![0]!["field"]);
        Assert.True((bool)body["meta"]!["would_become"]!["can_access_cma"]!);
        Assert.False((bool)body["data"]!["attributes"]!["can_access_cma"]!);
        Assert.Equal(["GET"], Gateway.Simulator.State.Requests.Select(r => r.Method));
        Assert.False(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCma);
        var record = Assert.Single(await Gateway.AuditRecordsAsync());
        Assert.Equal("dry_run", (string?)record["outcome"]);
        Assert.True((bool)record["dry_run"]!);
    }

    [Fact]
    public async Task Dry_run_that_policy_refuses_answers_the_refusal()
    {
        var document = Documents.Update(Seed.EditableTokenId, cma: true).WithMeta(new JsonObject { ["dry_run"] = true, ["requested_by"] = "alice" });

        var response = await Gateway.PutAsync(Seed.EditableTokenId, document.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("POLICY_APPROVAL_REQUIRED", CodeOf(await BodyOf(response)));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }
}
