using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Benchmarks;

/// <summary>Azurite from the repository's node_modules, in memory, on loopback ports chosen at run time (as the tests' fixture).</summary>
internal sealed class Azurite : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly int _blobPort, _queuePort, _tablePort;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort) =>
        (_process, _blobPort, _queuePort, _tablePort) = (process, blobPort, queuePort, tablePort);

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{_blobPort}/{Account};QueueEndpoint=http://127.0.0.1:{_queuePort}/{Account};TableEndpoint=http://127.0.0.1:{_tablePort}/{Account};";

    public static async Task<Azurite> StartAsync()
    {
        var script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"Azurite is not installed ({script}); run `npm ci` at the repository root.");
        var (blob, queue, table) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new Azurite(process, blob, queue, table);
        await FreePort.WaitUntilListeningAsync(queue, TimeSpan.FromSeconds(30));
        await FreePort.WaitUntilListeningAsync(blob, TimeSpan.FromSeconds(30));
        await FreePort.WaitUntilListeningAsync(table, TimeSpan.FromSeconds(30));
        foreach (var name in new[] { QueueNames.Changes, QueueNames.ChangesPoison, QueueNames.Audit }) await azurite.Queue(name).CreateIfNotExistsAsync();
        return azurite;
    }

    /// <summary>A queue client that writes base64, as the Functions trigger expects.</summary>
    public QueueClient Queue(string name) => new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
