using System.Net;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Secrets;

/// <summary>The CMA token through the real SecretClient, against a local HTTPS endpoint that speaks Key Vault's protocol.</summary>
public sealed class KeyVaultTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected override void Configure(HarnessOptions options)
    {
        options.UseKeyVault = true;
        options.TimeProvider = _time;
        options.Settings["KeyVault:CacheDuration"] = "00:05:00";
    }

    private Task<HttpResponseMessage> Rename(string name) =>
        Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: name).ToJsonString());

    [Fact]
    public async Task One_vault_read_serves_every_request_within_the_cache_period()
    {
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await Rename("Name " + i)).StatusCode);
        Assert.Equal(1, Gateway.Vault!.SecretReads);

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await Rename("After expiry")).StatusCode);

        Assert.Equal(2, Gateway.Vault.SecretReads);
    }

    [Fact]
    public async Task Rotated_CMA_token_DatoCMS_401_triggers_exactly_one_vault_reread_and_one_retry()
    {
        Assert.Equal(HttpStatusCode.OK, (await Rename("Before rotation")).StatusCode);
        Assert.Equal(1, Gateway.Vault!.SecretReads);

        // The operator rotates the token: DatoCMS now accepts only the new one, and the vault holds it.
        Gateway.Simulator.State.Options.ApiTokens.Clear();
        Gateway.Simulator.State.Options.ApiTokens.Add("rotated-cma-token");
        Gateway.Vault.SetSecret(GatewayHarness.CmaSecretName, "rotated-cma-token");
        Gateway.Simulator.State.ClearRequests();

        var response = await Rename("After rotation");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Gateway.Vault.SecretReads);
        var requests = Gateway.Simulator.State.Requests;
        Assert.Equal(["GET 401", "GET 200", "PUT 200"], requests.Select(r => $"{r.Method} {r.Status}"));
        Assert.Equal("Bearer rotated-cma-token", requests[^1].Headers["Authorization"]);
        Assert.Equal("After rotation", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Fact]
    public async Task A_read_route_with_a_rotated_CMA_token_reads_the_vault_again_once_and_answers()
    {
        Assert.Equal(HttpStatusCode.OK, (await Gateway.Client.GetAsync("roles")).StatusCode);
        Gateway.Simulator.State.Options.ApiTokens.Clear();
        Gateway.Simulator.State.Options.ApiTokens.Add("rotated-cma-token");
        Gateway.Vault!.SetSecret(GatewayHarness.CmaSecretName, "rotated-cma-token");
        Gateway.Simulator.State.ClearRequests();

        var response = await Gateway.Client.GetAsync("access_tokens/" + Seed.EditableTokenId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Gateway.Vault.SecretReads);
        Assert.Equal(["GET 401", "GET 200"], Gateway.Simulator.State.Requests.Select(r => $"{r.Method} {r.Status}"));
        Assert.Equal("Bearer rotated-cma-token", Gateway.Simulator.State.Requests[^1].Headers["Authorization"]);
    }

    [Fact]
    public async Task A_token_DatoCMS_still_refuses_after_one_reread_is_a_502_and_nothing_is_written()
    {
        Gateway.Simulator.State.Options.ApiTokens.Clear();
        Gateway.Simulator.State.Options.ApiTokens.Add("a-token-the-vault-does-not-have");

        var response = await Rename("Never applied");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;
        Assert.Equal("CMA_TOKEN_REJECTED", (string?)error["code"]);
        Assert.Null(error["transient"]);   // a configuration fault: DatoCMS's client would otherwise retry it forever
        Assert.Equal(2, Gateway.Vault!.SecretReads);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task Vault_outage_with_nothing_cached_is_a_503_and_nothing_is_forwarded()
    {
        Gateway.Vault!.FailWith = HttpStatusCode.ServiceUnavailable;

        var response = await Rename("Never applied");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("SECRET_UNAVAILABLE", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Empty(Gateway.Simulator.State.Requests);
    }

    [Fact]
    public async Task Vault_outage_after_a_read_keeps_serving_the_cached_token_until_it_expires()
    {
        Assert.Equal(HttpStatusCode.OK, (await Rename("First")).StatusCode);
        Gateway.Vault!.FailWith = HttpStatusCode.TooManyRequests;

        Assert.Equal(HttpStatusCode.OK, (await Rename("Second, from the cache")).StatusCode);
        _time.Advance(TimeSpan.FromMinutes(6));
        var afterExpiry = await Rename("Third, cache expired");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, afterExpiry.StatusCode);
        Assert.Equal("Second, from the cache", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Fact]
    public async Task The_vault_is_read_with_the_credential_after_Key_Vaults_challenge()
    {
        Assert.Equal(HttpStatusCode.OK, (await Rename("Authenticated read")).StatusCode);
        var credential = (TestCredential)Gateway.Services.GetRequiredService<Azure.Core.TokenCredential>();
        Assert.True(credential.TokenRequests >= 1);
        Assert.IsType<CachedSecret>(Gateway.Services.GetRequiredKeyedService<ISecretSource>(SecretsServiceCollectionExtensions.CmaToken));
    }
}
