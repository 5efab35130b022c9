namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// Base of the integration test classes: empty queues and a fresh gateway (simulator + local host) per test,
/// stopped after it. <see cref="Configure"/> adjusts the harness for a whole class.
/// </summary>
[Collection(IntegrationCollection.Name)]
public abstract class GatewayTest(AzuriteFixture storage) : IAsyncLifetime
{
    protected AzuriteFixture Storage { get; } = storage;
    protected GatewayHarness Gateway { get; private set; } = null!;

    protected virtual void Configure(HarnessOptions options) { }

    /// <summary>Another gateway on the same Azurite, for tests that need different settings; the caller disposes it.</summary>
    protected Task<GatewayHarness> StartGatewayAsync(Action<HarnessOptions>? configure = null) => GatewayHarness.StartAsync(Storage, configure);

    public async Task InitializeAsync()
    {
        await Storage.ResetQueuesAsync();
        Gateway = await GatewayHarness.StartAsync(Storage, Configure);
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}
