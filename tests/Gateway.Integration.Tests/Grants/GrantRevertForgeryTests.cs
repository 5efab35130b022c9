using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>
/// Attacks on the reverts queue itself, as by someone who got to write there despite its RBAC (only the app may):
/// a message the gateway did not seal, one it sealed but altered, one used before. Each changes nothing and is
/// audited as refused; and even an authentic message only reminds — the registry decides.
/// </summary>
public sealed class GrantRevertForgeryTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private readonly List<RevertMessage> _sent = [];

    protected override void Configure(HarnessOptions options) => options.Services = services =>
    {
        // Keeps what the gateway sends, so a test can replay or alter the very message.
        services.AddSingleton<QueueRevertQueue>();
        services.Replace(ServiceDescriptor.Singleton<IRevertQueue>(sp => new CapturingRevertQueue(sp.GetRequiredService<QueueRevertQueue>(), _sent)));
    };

    private static string Token => GrantTestSupport.Token;

    private async Task<JsonObject> SendAndAwaitRefusalAsync(byte[] body)
    {
        var receipt = await Gateway.RevertQueue.SendMessageAsync(BinaryData.FromBytes(body));
        var messageId = receipt.Value.MessageId;
        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["correlation_id"] == messageId), TimeSpan.FromSeconds(30));
        return records.Single(x => (string?)x["correlation_id"] == messageId);
    }

    [Fact]
    public async Task Forged_and_altered_revert_messages_change_nothing_and_are_audited_as_not_authentic()
    {
        var grantId = await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, DateTimeOffset.UtcNow.AddMinutes(10)));
        var genuine = _sent.Single();
        var puts = Gateway.Simulator.State.CountRequests("PUT");

        var sealedWithAnotherKey = RevertMessageSigner.Seal(genuine with { Nonce = Guid.NewGuid().ToString("N") }, "an-attackers-key-that-is-long-enough-0123");
        var altered = JsonNode.Parse(RevertMessageSigner.Seal(genuine, GatewayHarness.RevertKey))!;
        altered["expires_at"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();   // "due now"
        var garbage = Encoding.UTF8.GetBytes("{\"grant_id\":\"" + grantId + "\",\"token_id\":\"312\",\"revert\":true}");

        foreach (var body in new[] { sealedWithAnotherKey, Encoding.UTF8.GetBytes(altered.ToJsonString()), garbage })
        {
            var record = await SendAndAwaitRefusalAsync(body);
            Assert.Equal(("schedule", "rejected", "REVERT_NOT_AUTHENTIC", 401), ((string?)record["source"], (string?)record["outcome"], (string?)record["error"]!["code"], (int?)record["error"]!["status"]));
            Assert.Equal(("queue", "access-token-grant-reverts"), ((string?)record["caller"]!["kind"], (string?)record["caller"]!["id"]));
        }

        Assert.Equal(puts, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        Assert.Single(await Gateway.GrantsAsync(Token));
    }

    [Fact]
    public async Task An_authentic_message_before_its_grants_expiry_reverts_nothing()
    {
        await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, DateTimeOffset.UtcNow.AddMinutes(10)));
        var early = _sent.Single() with { Nonce = Guid.NewGuid().ToString("N") };
        _sent.Clear();

        await Gateway.RevertQueue.SendMessageAsync(BinaryData.FromBytes(RevertMessageSigner.Seal(early, GatewayHarness.RevertKey)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_sent.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);

        // The registry says the grant is not due: the message only hops on, to the registry's expiry.
        var hop = Assert.Single(_sent);
        Assert.Equal(early.GrantId, hop.GrantId);
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        Assert.Single(await Gateway.GrantsAsync(Token));
    }

    [Fact]
    public async Task A_replayed_revert_message_changes_nothing_and_is_audited_as_a_replay()
    {
        var firstGrant = await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, DateTimeOffset.UtcNow.AddSeconds(2)));
        var used = RevertMessageSigner.Seal(_sent.Single(), GatewayHarness.RevertKey);   // byte for byte what the gateway sent
        await Gateway.WaitForAuditAsync(r => r.RevertOutcomes(firstGrant).Any(), TimeSpan.FromSeconds(30));
        // Preview access granted again, for longer: a replayed revert must not end it.
        await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, DateTimeOffset.UtcNow.AddMinutes(10)));
        var puts = Gateway.Simulator.State.CountRequests("PUT");

        var record = await SendAndAwaitRefusalAsync(used);

        Assert.Equal(("rejected", "REVERT_REPLAYED"), ((string?)record["outcome"], (string?)record["error"]!["code"]));
        Assert.Equal(puts, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        Assert.Single(await Gateway.GrantsAsync(Token));
    }

    private sealed class CapturingRevertQueue(IRevertQueue inner, List<RevertMessage> sent) : IRevertQueue
    {
        public async Task SendAsync(RevertMessage message, DateTimeOffset due, CancellationToken cancellationToken)
        {
            await inner.SendAsync(message, due, cancellationToken);
            lock (sent) sent.Add(message);
        }
    }
}
