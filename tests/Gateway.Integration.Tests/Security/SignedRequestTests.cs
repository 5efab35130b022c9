using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using Azure.Data.Tables;
using DatoCmsSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AccessTokenGateway.Tests.Security;

/// <summary>Signed requests over real HTTP through the local host, the replay table on the collection's Azurite.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SignedRequestTests(AzuriteFixture storage) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        await storage.ResetQueuesAsync();
        _gateway = await GatewayHarness.StartAsync(storage, o => Signing.Require(o));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static string Change(string name = "Signed rename") => Documents.Update(Seed.EditableTokenId, name: name).ToJsonString();

    [Fact]
    public async Task Validly_signed_change_is_applied_and_audited_as_from_the_signer()
    {
        var response = await _gateway.PutSignedAsync(Seed.EditableTokenId, Change());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Signed rename", _gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
        var outcome = (await _gateway.WaitForAuditAsync(r => r.Any(a => (string?)a["kind"] == "outcome"))).Single(a => (string?)a["kind"] == "outcome");
        Assert.Equal("signer", (string?)outcome["caller"]!["kind"]);
        Assert.Equal("webhook", (string?)outcome["caller"]!["id"]);
    }

    public static TheoryData<string, Func<byte[], string?>> Refusals() => new()
    {
        { "SIGNATURE_MISSING", _ => null },
        { "SIGNATURE_MALFORMED", _ => "t=yesterday,v1=beef" },
        { "SIGNATURE_INVALID", body => Signing.Header(body, secret: "a-forgers-guess-at-the-secret-00000000") },
        { "SIGNATURE_INVALID", body => Signing.Header(Encoding.UTF8.GetBytes("{}")) },
        { "SIGNATURE_EXPIRED", body => Signing.Header(body, Signing.Now - 3_600) },
        { "SIGNATURE_FROM_THE_FUTURE", body => Signing.Header(body, Signing.Now + 3_600) },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Bad_signatures_are_refused_with_401_and_their_own_code_before_anything_else(string code, Func<byte[], string?> sign)
    {
        var body = Encoding.UTF8.GetBytes(Change());

        var response = await _gateway.PutBytesAsync(Seed.EditableTokenId, body, signature: sign(body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(code, await SecurityHttp.ErrorCodeAsync(response));
        Assert.Empty(_gateway.Simulator.State.Requests);
        var outcome = Assert.Single(await _gateway.WaitForAuditAsync(r => r.Count > 0));
        Assert.Equal(code, (string?)outcome["error"]!["code"]);
        Assert.Equal("function_key", (string?)outcome["caller"]!["kind"]);
    }

    [Fact]
    public async Task Replayed_signature_is_refused_and_not_applied_twice()
    {
        var body = Encoding.UTF8.GetBytes(Change());
        var signature = Signing.Header(body);

        var first = await _gateway.PutBytesAsync(Seed.EditableTokenId, body, signature: signature);
        var replay = await _gateway.PutBytesAsync(Seed.EditableTokenId, body, signature: signature);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("SIGNATURE_REPLAYED", await SecurityHttp.ErrorCodeAsync(replay));
        Assert.Equal(1, _gateway.Puts());
    }

    [Fact]
    public async Task Signature_is_checked_before_the_body_is_even_read_as_JSON()
    {
        var response = await _gateway.PutBytesAsync(Seed.EditableTokenId, "not json"u8.ToArray(), contentType: "text/plain");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("SIGNATURE_MISSING", await SecurityHttp.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Valid_signature_from_a_second_instance_sharing_storage_is_refused_as_a_replay()
    {
        var table = Signing.UniqueTable();
        await using var first = await GatewayHarness.StartAsync(storage, o => Signing.Require(o, table));
        await using var second = await GatewayHarness.StartAsync(storage, o => { Signing.Require(o, table); o.SharedSimulator = first.Simulator; });
        var body = Encoding.UTF8.GetBytes(Change("Once only"));
        var signature = Signing.Header(body);

        var applied = await first.PutBytesAsync(Seed.EditableTokenId, body, signature: signature);
        var replayed = await second.PutBytesAsync(Seed.EditableTokenId, body, signature: signature);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("SIGNATURE_REPLAYED", await SecurityHttp.ErrorCodeAsync(replayed));
        Assert.Equal(1, first.Puts());
    }

    [Fact]
    public async Task Unreachable_replay_store_refuses_with_a_transient_503_and_forwards_nothing()
    {
        var deadTables = new TableServiceClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            Signing.Require(o);
            o.Services = s => s.Replace(ServiceDescriptor.Singleton(deadTables));
        });

        var response = await gateway.PutSignedAsync(Seed.EditableTokenId, Change());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("REPLAY_STORE_UNAVAILABLE", (string?)document["data"]![0]!["attributes"]!["code"]);
        Assert.True((bool?)document["data"]![0]!["attributes"]!["transient"]);
        Assert.Empty(gateway.Simulator.State.Requests);
    }

    [Fact]
    public async Task Signing_secret_is_read_from_Key_Vault_and_a_rotation_to_a_new_secret_is_honoured_after_the_cache()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.UseKeyVault = true;
            o.Settings["Signatures:Enabled"] = "true";
            o.Settings["Signatures:ReplayTableName"] = Signing.UniqueTable();
            o.Settings["KeyVault:CacheDuration"] = "00:00:00";
        });
        gateway.Vault!.SetSecret("webhook-signing-secret", Signing.Secret);

        var before = await gateway.PutSignedAsync(Seed.EditableTokenId, Change("Before rotation"));
        gateway.Vault.SetSecret("webhook-signing-secret", "the-new-webhook-signing-secret-0000000000\n" + Signing.Secret);
        var withOld = await gateway.PutSignedAsync(Seed.EditableTokenId, Change("Old secret, during rotation"));
        var withNew = await gateway.PutSignedAsync(Seed.EditableTokenId, Change("New secret"), secret: "the-new-webhook-signing-secret-0000000000");
        gateway.Vault.SetSecret("webhook-signing-secret", "the-new-webhook-signing-secret-0000000000");
        var oldAfter = await gateway.PutSignedAsync(Seed.EditableTokenId, Change("Old secret, after rotation"));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfter.StatusCode);
        Assert.Equal("SIGNATURE_INVALID", await SecurityHttp.ErrorCodeAsync(oldAfter));
        var callers = (await gateway.WaitForAuditAsync(r => r.Count(a => (string?)a["kind"] == "outcome") == 4))
            .Where(a => (string?)a["kind"] == "outcome").Select(a => $"{a["caller"]!["kind"]}:{a["caller"]!["id"]}").ToList();
        Assert.Equal(["signer:webhook", "signer:webhook:previous", "signer:webhook", "function_key:default"], callers);
    }

    [Fact]
    public async Task Queue_messages_are_not_signature_checked()
    {
        var message = Documents.Update(Seed.EditableTokenId, name: "From the queue").ToJsonString();

        await _gateway.ChangeQueue.SendMessageAsync(message);

        var outcome = (await _gateway.WaitForAuditAsync(r => r.Any(a => (string?)a["kind"] == "outcome"))).Single(a => (string?)a["kind"] == "outcome");
        Assert.Equal("applied", (string?)outcome["outcome"]);
        Assert.Equal("queue", (string?)outcome["caller"]!["kind"]);
    }
}
