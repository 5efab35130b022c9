using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Http;

public sealed class ForwardingTests(AzuriteFixture storage) : GatewayTest(storage)
{
    [Fact]
    public async Task Valid_change_is_applied_on_DatoCMS_and_answered_with_the_token_secret_nulled()
    {
        var body = Documents.Update(Seed.EditableTokenId, name: "Renamed", cda: true, preview: true, cma: false, roleId: Seed.ViewerRoleId)
            .WithMeta(new JsonObject { ["requested_by"] = "alice@example.com", ["approved_by"] = "bob@example.com", ["reason"] = "Preview for the launch", ["expected"] = new JsonObject { ["name"] = "Read-only API token", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId } });

        var response = await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString(), customize: r => r.Headers.Add("X-Correlation-Id", "corr-123"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var json = JsonNode.Parse(text)!;
        Assert.Equal("Renamed", (string?)json["data"]!["attributes"]!["name"]);
        Assert.True(json["data"]!["attributes"]!.AsObject().ContainsKey("token"));
        Assert.Null(json["data"]!["attributes"]!["token"]);
        Assert.Equal("applied", (string?)json["meta"]!["outcome"]);
        Assert.DoesNotContain(Seed.SecretFor(Seed.EditableTokenId), text);
        Assert.Equal("corr-123", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal((string?)json["meta"]!["audit_id"], response.Headers.GetValues("X-Audit-Id").Single());

        var stored = Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!;
        Assert.Equal(("Renamed", true, true, false, Seed.ViewerRoleId), (stored.Name, stored.CanAccessCda, stored.CanAccessCdaPreview, stored.CanAccessCma, stored.RoleId));
    }

    [Fact]
    public async Task Forwarded_put_carries_exactly_the_seed_headers_and_the_vault_token_never_the_callers_authorization()
    {
        var body = Documents.Update(Seed.EditableTokenId, cma: true).WithMeta(new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob", ["expected"] = new JsonObject { ["name"] = "Read-only API token", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId } });

        var response = await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString(),
            customize: r => r.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "callers-own-credential"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var put = Assert.Single(Gateway.Simulator.State.Requests, r => r.Method == "PUT");
        Assert.Equal("Bearer " + GatewayHarness.CmaToken, put.Headers["Authorization"]);
        Assert.Equal("application/json", put.Headers["Accept"]);
        Assert.Equal("3", put.Headers["X-Api-Version"]);
        Assert.Equal("application/vnd.api+json", put.Headers["Content-Type"]);
        Assert.False(put.Headers.ContainsKey("X-Environment"));
        Assert.DoesNotContain(put.Headers, h => h.Value.Contains("callers-own-credential"));
        Assert.DoesNotContain("callers-own-credential", Gateway.Logs.AllText);

        // The body forwarded is the seed's document rebuilt from the validated state: no meta, nothing else.
        var forwarded = JsonNode.Parse(put.Body)!.AsObject();
        Assert.Equal(["data"], forwarded.Select(p => p.Key));
        Assert.Equal(Documents.Update(Seed.EditableTokenId, cma: true).ToJsonString(), forwarded.ToJsonString());
    }

    [Fact]
    public async Task Sandbox_environment_is_sent_as_X_Environment()
    {
        await using var gateway = await StartGatewayAsync(o => o.Settings["DatoCms:Environment"] = "sandbox");

        var response = await gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "In sandbox").ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(gateway.Simulator.State.Requests, r => Assert.Equal("sandbox", r.Headers["X-Environment"]));
    }

    [Fact]
    public async Task DatoCMS_4xx_comes_back_with_its_status_and_error_document()
    {
        var response = await Gateway.PutAsync("999999", Documents.Update("999999").ToJsonString());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!;
        Assert.Equal("api_error", (string?)error["type"]);
        Assert.Equal("NOT_FOUND", (string?)error["attributes"]!["code"]);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task Builtin_token_is_refused_before_any_put()
    {
        var response = await Gateway.PutAsync(Seed.ReadOnlyBuiltInTokenId, Documents.Update(Seed.ReadOnlyBuiltInTokenId).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("NON_EDITABLE_ACCESS_TOKEN", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!["code"]);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task Missing_or_wrong_function_key_is_refused_with_401()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseUrl };
        var body = new StringContent(Documents.Update(Seed.EditableTokenId).ToJsonString(), System.Text.Encoding.UTF8, "application/vnd.api+json");

        var missing = await anonymous.PutAsync("access_tokens/" + Seed.EditableTokenId, body);
        var wrong = await anonymous.PutAsync("access_tokens/" + Seed.EditableTokenId + "?code=not-the-key", body);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(Gateway.Simulator.State.Requests);
    }
}
