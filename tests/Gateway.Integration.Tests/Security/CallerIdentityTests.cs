using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Security;

/// <summary>Reading App Service Authentication's principal headers: only the provider, name and object id, never a token.</summary>
public sealed class AppServicePrincipalTests
{
    internal static string Encode(object principal) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(principal)));

    internal static readonly string AliceWithToken = Encode(new
    {
        auth_typ = "aad",
        name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        claims = new object[]
        {
            new { typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", val = "alice@example.com" },
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = "6f1d2a3b-0000-4000-8000-00000000a11c" },
            new { typ = "access_token", val = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.not-to-be-recorded" },
        },
    });

    private static CallerIdentity? From(params (string Name, string Value)[] headers) =>
        AppServicePrincipal.From(name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value);

    [Fact]
    public void Principal_is_recorded_as_provider_and_name_and_nothing_else()
    {
        var caller = From(("X-MS-CLIENT-PRINCIPAL", AliceWithToken));

        Assert.Equal(new CallerIdentity("principal", "aad:alice@example.com"), caller);
    }

    [Fact]
    public void A_service_principal_without_a_name_is_recorded_by_its_object_id()
    {
        var principal = Encode(new
        {
            auth_typ = "aad",
            name_typ = "name",
            claims = new object[] { new { typ = "oid", val = "0c0ffee0-0000-4000-8000-000000000001" }, new { typ = "appid", val = "app" } },
        });

        Assert.Equal("aad:0c0ffee0-0000-4000-8000-000000000001", From(("X-MS-CLIENT-PRINCIPAL", principal))?.Id);
    }

    [Fact]
    public void The_simple_headers_serve_when_the_encoded_principal_is_absent()
    {
        var caller = From(("X-MS-CLIENT-PRINCIPAL-NAME", "bob@example.com"), ("X-MS-CLIENT-PRINCIPAL-IDP", "aad"), ("X-MS-CLIENT-PRINCIPAL-ID", "b0b"));

        Assert.Equal("aad:bob@example.com", caller?.Id);
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("bm90IGpzb24=")]         // "not json"
    [InlineData("WzEsMiwzXQ==")]         // [1,2,3]
    [InlineData("eyJjbGFpbXMiOjF9")]     // {"claims":1}
    public void A_garbled_principal_names_no_one(string encoded)
    {
        Assert.Null(From(("X-MS-CLIENT-PRINCIPAL", encoded)));
    }

    [Fact]
    public void Control_characters_are_not_recorded()
    {
        Assert.Null(From(("X-MS-CLIENT-PRINCIPAL-NAME", "mallory\r\nforged: line")));
    }

    [Fact]
    public void Recorded_parts_are_bounded()
    {
        var caller = From(("X-MS-CLIENT-PRINCIPAL-NAME", new string('n', 10_000)), ("X-MS-CLIENT-PRINCIPAL-IDP", "aad"));

        Assert.True(caller!.Id!.Length <= 300);
    }
}

/// <summary>Who the audit says called, over real HTTP: key name by default, the Easy Auth principal only where configured to trust it.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class CallerIdentityTests(AzuriteFixture storage) : IAsyncLifetime
{
    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonObject> CallerOfOnlyChangeAsync(GatewayHarness gateway) =>
        (await gateway.WaitForAuditAsync(r => r.Any(a => (string?)a["kind"] == "outcome"))).Single(a => (string?)a["kind"] == "outcome")["caller"]!.AsObject();

    private static Task<HttpResponseMessage> PutAsAliceAsync(GatewayHarness gateway) =>
        gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Who did this").ToJsonString(), customize: r =>
        {
            r.Headers.Add("X-MS-CLIENT-PRINCIPAL", AppServicePrincipalTests.AliceWithToken);
            r.Headers.Add("X-MS-CLIENT-PRINCIPAL-IDP", "aad");
        });

    [Fact]
    public async Task By_default_a_client_supplied_principal_header_is_ignored_and_the_key_name_recorded()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage);

        var response = await PutAsAliceAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var caller = await CallerOfOnlyChangeAsync(gateway);
        Assert.Equal("function_key", (string?)caller["kind"]);
        Assert.Equal("default", (string?)caller["id"]);
    }

    [Fact]
    public async Task Where_Easy_Auth_is_trusted_the_principal_is_recorded_without_any_token()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["Authentication:TrustAppServicePrincipal"] = "true");

        var response = await PutAsAliceAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = await gateway.WaitForAuditAsync(r => r.Any(a => (string?)a["kind"] == "outcome"));
        var caller = records.Single(a => (string?)a["kind"] == "outcome")["caller"]!.AsObject();
        Assert.Equal("principal", (string?)caller["kind"]);
        Assert.Equal("aad:alice@example.com", (string?)caller["id"]);
        Assert.All(records, r => Assert.DoesNotContain("not-to-be-recorded", r.ToJsonString()));
        Assert.DoesNotContain("not-to-be-recorded", gateway.Logs.AllText);
    }

    [Fact]
    public async Task A_trusted_principal_stays_the_caller_of_a_signed_request()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            Signing.Require(o);
            o.Settings["Authentication:TrustAppServicePrincipal"] = "true";
        });

        var response = await gateway.PutSignedAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Signed by Alice").ToJsonString(),
            customize: r => r.Headers.Add("X-MS-CLIENT-PRINCIPAL", AppServicePrincipalTests.AliceWithToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("aad:alice@example.com", (string?)(await CallerOfOnlyChangeAsync(gateway))["id"]);
    }
}
