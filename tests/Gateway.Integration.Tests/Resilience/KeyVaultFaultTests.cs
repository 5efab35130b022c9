using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>
/// Key Vault down (503) or throttling (429), through the real <c>SecretClient</c> against <see cref="FakeKeyVault"/>:
/// a cached CMA token keeps serving while it is valid; with none, nothing is forwarded and the caller gets 503
/// <c>SECRET_UNAVAILABLE</c> (the queue retries the message).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class KeyVaultFaultTests(AzuriteFixture storage) : IAsyncLifetime
{
    private const string Token = Seed.EditableTokenId;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static CachedSecret CmaToken(GatewayHarness gateway) =>
        (CachedSecret)gateway.Services.GetRequiredKeyedService<ISecretSource>(SecretsServiceCollectionExtensions.CmaToken);

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task While_the_vault_fails_the_cached_token_keeps_serving_until_it_expires(HttpStatusCode failure)
    {
        var time = new FakeTimeProvider(Start);
        await using var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.UseKeyVault = true;
            o.TimeProvider = time;
            o.Settings["KeyVault:CacheDuration"] = "00:05:00";
        });
        var first = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Read with the vault up"));
        gateway.Vault!.FailWith = failure;

        time.Advance(TimeSpan.FromMinutes(4));
        var whileCached = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Served from the cache"));
        var sentBeforeExpiry = gateway.Simulator.State.Requests.Count;
        time.Advance(TimeSpan.FromMinutes(2));
        var afterExpiry = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "Not without a token"));
        var (status, body) = await afterExpiry.ReadAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, whileCached.StatusCode));
        Assert.Equal(1, gateway.Vault.SecretReads);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("SECRET_UNAVAILABLE", ResilienceAudit.ErrorCodeOf(body));
        Assert.NotNull(afterExpiry.Headers.RetryAfter);
        Assert.Equal(sentBeforeExpiry, gateway.Simulator.State.Requests.Count);       // nothing forwarded without a token
        Assert.Equal("Served from the cache", gateway.Simulator.State.GetToken(Token)!.Name);
        var outcome = await gateway.OutcomeAsync(afterExpiry);
        Assert.Equal(("failed", "SECRET_UNAVAILABLE", 0), (outcome.Outcome(), outcome.ErrorCode(), outcome.UpstreamAttempts()));
        Assert.Equal(2, CmaToken(gateway).VaultReads);                                 // one success, one failed attempt after expiry
    }

    [Fact]
    public async Task With_the_vault_down_from_the_start_nothing_is_forwarded_and_the_caller_gets_503()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.UseKeyVault = true);
        gateway.Vault!.FailWith = HttpStatusCode.ServiceUnavailable;

        var response = await gateway.PutAsync(Token, ResilienceAudit.Rename(gateway.Simulator, Token, "No token, no change"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(gateway.Simulator.State.Requests);
        var outcome = await gateway.OutcomeAsync(response);
        Assert.Equal(("failed", "SECRET_UNAVAILABLE"), (outcome.Outcome(), outcome.ErrorCode()));
    }

    [Fact]
    public async Task A_queued_change_is_retried_while_the_vault_is_down_and_applied_once_it_is_back()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.UseKeyVault = true);
        gateway.Vault!.FailWith = HttpStatusCode.ServiceUnavailable;

        var messageId = (await gateway.ChangeQueue.SendMessageAsync(ResilienceAudit.Rename(gateway.Simulator, Token, "Once the vault is back"))).Value.MessageId;
        await gateway.WaitForAuditAsync(r => OutcomesOf(r, messageId).Any(), TimeSpan.FromSeconds(60));
        var forwardedWhileDown = gateway.Simulator.State.Requests.Count;
        gateway.Vault.FailWith = null;
        var records = await gateway.WaitForAuditAsync(r => OutcomesOf(r, messageId).Any(o => o.Outcome() == "applied"), TimeSpan.FromSeconds(60));

        var outcomes = OutcomesOf(records, messageId);
        Assert.Equal(0, forwardedWhileDown);
        Assert.Equal(("failed", "SECRET_UNAVAILABLE"), (outcomes[0].Outcome(), outcomes[0].ErrorCode()));
        Assert.Equal("applied", outcomes[^1].Outcome());
        Assert.Equal("Once the vault is back", gateway.Simulator.State.GetToken(Token)!.Name);
    }

    private static List<JsonObject> OutcomesOf(IReadOnlyList<JsonObject> records, string messageId) =>
        [.. records.Where(r => (string?)r["correlation_id"] == messageId && (string?)r["kind"] == "outcome").OrderBy(r => (int?)r["attempt"])];
}
