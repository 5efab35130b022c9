using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Grants;

/// <summary><c>GET /api/grants</c>: the registry's grants, with a function key, filtered by <c>?token_id=</c>.</summary>
public sealed class GrantListingTests(AzuriteFixture storage) : GatewayTest(storage)
{
    [Fact]
    public async Task Grants_are_listed_with_expiry_requester_approver_and_audit_id()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddHours(2);
        var grantId = await GrantTestSupport.AuditIdOf(await Gateway.ChangeAsync(Seed.EditableTokenId, s => s with { CanAccessCma = true, RoleId = Seed.AdminRoleId }, expiresAt));
        await GrantTestSupport.AuditIdOf(await Gateway.ChangeAsync(Seed.SecondEditableTokenId, s => s with { CanAccessCma = true }, expiresAt.AddHours(1)));

        var all = JsonNode.Parse(await Gateway.Client.GetStringAsync("grants"))!["data"]!.AsArray();
        var one = JsonNode.Parse(await Gateway.Client.GetStringAsync("grants?token_id=" + Seed.EditableTokenId))!["data"]!.AsArray();

        Assert.Equal(2, all.Count);
        var grant = Assert.Single(one)!;
        Assert.Equal(("grant", grantId), ((string?)grant["type"], (string?)grant["id"]));
        var attributes = grant["attributes"]!;
        Assert.Equal((Seed.EditableTokenId, "active", "alice", "bob", grantId, "CHG-7"),
            ((string?)attributes["token_id"], (string?)attributes["status"], (string?)attributes["requested_by"], (string?)attributes["approved_by"], (string?)attributes["audit_id"], (string?)attributes["ticket"]));
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), DateTimeOffset.Parse((string)attributes["expires_at"]!).ToUnixTimeSeconds());
        var fields = attributes["fields"]!.AsArray().Select(f => ((string?)f!["field"], (string?)f["granted_value"], (string?)f["value_before"])).ToList();
        Assert.Equal([("can_access_cma", "true", "false"), ("role_id", Seed.AdminRoleId, Seed.EditorRoleId)], fields);
    }

    [Fact]
    public async Task Listing_needs_a_function_key_and_a_valid_token_id()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("grants")).StatusCode);

        var bad = await Gateway.Client.GetAsync("grants?token_id=..%2F312");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Equal("INVALID_FIELD", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!["code"]);
    }
}
