using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Http;

/// <summary>
/// <c>GET /api/access_tokens</c>, <c>/api/access_tokens/{id}</c>, <c>/api/roles</c>, <c>/api/roles/{id}</c>: DatoCMS's
/// documents through the gateway's own CMA session, never a secret, behind the function key, one log line, no audit.
/// </summary>
public sealed class ReadRouteTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private static async Task<JsonNode> BodyOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task Token_list_is_DatoCMSs_document_with_every_secret_null()
    {
        var response = await Gateway.Client.GetAsync("access_tokens");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var tokens = JsonNode.Parse(text)!["data"]!.AsArray();
        Assert.Equal(Gateway.Simulator.State.GetTokens().Count, tokens.Count);
        Assert.All(tokens, t => Assert.Null(t!["attributes"]!["token"]));
        Assert.True(tokens.All(t => t!["attributes"]!.AsObject().ContainsKey("token")));   // DatoCMS's shape, the value nulled
        foreach (var token in Gateway.Simulator.State.GetTokens()) Assert.DoesNotContain(token.Token!, text);
        Assert.Equal("Bearer " + GatewayHarness.CmaToken, Assert.Single(Gateway.Simulator.State.Requests).Headers["Authorization"]);
        Assert.Empty(await Gateway.AuditRecordsAsync());
    }

    [Fact]
    public async Task One_token_is_DatoCMSs_document_its_secret_null()
    {
        var response = await Gateway.Client.GetAsync("access_tokens/" + Seed.EditableTokenId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await BodyOf(response))["data"]!;
        Assert.Equal(("access_token", Seed.EditableTokenId, "Read-only API token"), ((string?)data["type"], (string?)data["id"], (string?)data["attributes"]!["name"]));
        Assert.Null(data["attributes"]!["token"]);
        Assert.Equal(Seed.EditorRoleId, (string?)data["relationships"]!["role"]!["data"]!["id"]);
        Assert.Contains("Read access_tokens " + Seed.EditableTokenId, Gateway.Logs.AllText);
    }

    [Fact]
    public async Task The_gateways_own_token_is_listed_without_its_secret()
    {
        var response = await Gateway.Client.GetAsync("access_tokens/" + Seed.GatewayTokenId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(GatewayHarness.CmaToken, text);
        Assert.DoesNotContain(GatewayHarness.CmaToken, Gateway.Logs.AllText);
    }

    [Fact]
    public async Task Roles_and_one_role_are_DatoCMSs_documents()
    {
        var list = await Gateway.Client.GetAsync("roles");
        var one = await Gateway.Client.GetAsync("roles/" + Seed.AdminRoleId);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(Seed.Roles().Count, (await BodyOf(list))["data"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var role = (await BodyOf(one))["data"]!;
        Assert.Equal(("role", "Admin"), ((string?)role["type"], (string?)role["attributes"]!["name"]));
    }

    [Theory]
    [InlineData("access_tokens/0312")]
    [InlineData("access_tokens/%20312")]
    [InlineData("access_tokens/312abc")]
    [InlineData("roles/-34")]
    public async Task Id_not_in_its_one_spelling_is_refused_before_anything_goes_to_DatoCMS(string path)
    {
        var response = await Gateway.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await BodyOf(response))["data"]![0]!["attributes"]!;
        Assert.Equal(("INVALID_FIELD", "id", "VALIDATION_FORMAT"), ((string?)error["code"], (string?)error["details"]!["field"], (string?)error["details"]!["code"]));
        Assert.Empty(Gateway.Simulator.State.Requests);
    }

    [Fact]
    public async Task Unknown_token_is_DatoCMSs_404_passed_on_with_its_doc_url()
    {
        var response = await Gateway.Client.GetAsync("access_tokens/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await BodyOf(response))["data"]![0]!["attributes"]!;
        Assert.Equal("NOT_FOUND", (string?)error["code"]);
        Assert.StartsWith("https://www.datocms.com/docs/", (string?)error["doc_url"]);
    }

    [Fact]
    public async Task Reads_without_the_function_key_get_the_hosts_empty_401_and_reach_nothing()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseUrl };

        foreach (var path in new[] { "access_tokens", "access_tokens/312", "roles", "roles/34" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Empty(Gateway.Simulator.State.Requests);
    }

    [Fact]
    public async Task Read_under_DatoCMSs_rate_limit_gives_429_with_X_RateLimit_Reset_what_DatoCMSs_client_waits_on()
    {
        Gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.RateLimitStorm, ResetSeconds: 30));

        var response = await Gateway.Client.GetAsync("roles");

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(["30"], response.Headers.GetValues("X-RateLimit-Reset"));
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.True((bool)(await BodyOf(response))["data"]![0]!["attributes"]!["transient"]!);
    }
}
