using System.Diagnostics;
using AccessTokenGateway.Changes;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) on loopback ports chosen at run time, in memory, started
/// once for the integration collection and stopped with it. <c>npm ci</c> (the test command does it) installs it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;
    private GatewayHarness? _shared;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    public async Task InitializeAsync()
    {
        var azurite = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite)) throw new InvalidOperationException($"Azurite is not installed ({azurite}); run `npm ci` at the repository root.");
        (BlobPort, QueuePort, TablePort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                azurite, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(QueuePort, TimeSpan.FromSeconds(30));
        await FreePort.WaitUntilListeningAsync(BlobPort, TimeSpan.FromSeconds(30));
        await FreePort.WaitUntilListeningAsync(TablePort, TimeSpan.FromSeconds(30));
    }

    public QueueClient Queue(string name) =>
        new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Empties the product's queues (visible and invisible messages alike) so tests do not see each other's.</summary>
    public async Task ResetQueuesAsync()
    {
        foreach (var name in new[] { QueueNames.Changes, QueueNames.ChangesPoison, QueueNames.Audit })
        {
            var queue = Queue(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
    }

    /// <summary>
    /// One default gateway for the collection, for tests that only read (validation tables): it saves a host start
    /// per case. Tests that use it compare the simulator's request counts before and after, never absolutes.
    /// </summary>
    public async Task<GatewayHarness> SharedGatewayAsync() => _shared ??= await GatewayHarness.StartAsync(this);

    public async Task DisposeAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "integration";
}
