using AccessTokenGateway.Changes;
using AccessTokenGateway.Grants;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) on loopback ports chosen at run time, in memory, started
/// once for the integration collection and stopped with it. <c>npm ci</c> (the test command does it) installs it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private GatewayHarness? _shared;

    private AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public int BlobPort => Azurite.BlobPort;
    public int QueuePort => Azurite.QueuePort;
    public int TablePort => Azurite.TablePort;
    public string ConnectionString => Azurite.ConnectionString;

    /// <summary>The fixture stands for its Azurite wherever one is wanted, as by <see cref="GatewayHarness.StartAsync"/>.</summary>
    public static implicit operator AzuriteProcess(AzuriteFixture fixture) => fixture.Azurite;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public QueueClient Queue(string name) => Azurite.Queue(name);

    /// <summary>
    /// Empties the product's queues (visible and invisible messages alike) and the grant registry, so tests do not see
    /// each other's.
    /// </summary>
    public async Task ResetQueuesAsync()
    {
        foreach (var name in new[] { QueueNames.Changes, QueueNames.ChangesPoison, QueueNames.Audit, QueueNames.GrantReverts, QueueNames.GrantRevertsPoison })
        {
            var queue = Queue(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
        var tables = new TableServiceClient(ConnectionString);
        foreach (var name in new[] { GrantTables.Grants, GrantTables.ConsumedReverts })
        {
            var table = tables.GetTableClient(name);
            await table.CreateIfNotExistsAsync();
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }
    }

    /// <summary>
    /// One default gateway for the collection, for tests that only read (validation tables): it saves a host start
    /// per case. Tests that use it compare the simulator's request counts before and after, never absolutes. Its queue
    /// functions are off: it lives on beside every later test's gateway, and would otherwise take their messages.
    /// </summary>
    public async Task<GatewayHarness> SharedGatewayAsync() => _shared ??= await GatewayHarness.StartAsync(Azurite, o => o.StartQueueListener = false);

    public async Task DisposeAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "integration";
}
