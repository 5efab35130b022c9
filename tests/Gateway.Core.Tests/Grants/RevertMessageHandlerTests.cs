using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>What a revert message leads to, decided by the registry: a hop for a long grant, nothing for an ended one.</summary>
public sealed class RevertMessageHandlerTests
{
    private const string Key = "unit-test-revert-key-0123456789abcdef";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryGrantRegistry _registry = new();
    private readonly RecordingRevertQueue _queue = new();
    private readonly Mock<IDatoCmsClient> _datoCms = new(MockBehavior.Strict);

    private RevertMessageHandler Handler()
    {
        var audit = new AuditTrail(Mock.Of<IAuditSink>(), Options.Create(new AuditOptions()), _time);
        var reverter = new GrantReverter(_datoCms.Object, new StaticSecret("cma"), new InProcessTokenLocks(TimeSpan.FromSeconds(1)), _registry, audit, _time, NullLogger<GrantReverter>.Instance);
        return new RevertMessageHandler(_registry, _queue, reverter, new StaticSecret(Key), audit, Options.Create(new GrantsOptions()), _time, NullLogger<RevertMessageHandler>.Instance);
    }

    private Grant Grant(TimeSpan lifetime) => new("312", "can_access_cma", "true", "false", _time.GetUtcNow() + lifetime, "g-1", "alice", "bob", null, _time.GetUtcNow());

    [Fact]
    public async Task A_message_before_a_long_grants_expiry_hops_on_to_the_registrys_expiry()
    {
        var grant = Grant(TimeSpan.FromDays(30));
        await _registry.PutAsync([grant], CancellationToken.None);
        _time.Advance(QueueRevertQueue.LongestDelay);

        var retry = await Handler().HandleAsync(RevertMessageSigner.Seal(RevertMessage.For(grant), Key), "m-1", CancellationToken.None);

        Assert.False(retry);
        var (hop, due) = Assert.Single(_queue.Sent);
        Assert.Equal((grant.GrantId, grant.ExpiresAt), (hop.GrantId, due));
        Assert.Single(_registry.All);
    }

    [Fact]
    public async Task A_message_for_a_grant_already_ended_changes_nothing_and_is_used_up()
    {
        var message = RevertMessage.For(Grant(TimeSpan.FromHours(1)));

        var retry = await Handler().HandleAsync(RevertMessageSigner.Seal(message, Key), "m-1", CancellationToken.None);

        Assert.False(retry);
        Assert.Empty(_queue.Sent);
        Assert.True(await _registry.WasConsumedAsync(message.Nonce, CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_registry_has_the_message_delivered_again()
    {
        _registry.Down = true;

        Assert.True(await Handler().HandleAsync(RevertMessageSigner.Seal(RevertMessage.For(Grant(TimeSpan.FromHours(1))), Key), "m-1", CancellationToken.None));
    }
}
