using System.Diagnostics;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) in its own Node.js process, in memory, on loopback ports
/// chosen at run time; killed on dispose. The tests' fixture and the benchmark both start it here.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort) =>
        (_process, BlobPort, QueuePort, TablePort) = (process, blobPort, queuePort, tablePort);

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    public static async Task<AzuriteProcess> StartAsync()
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
        var azurite = new AzuriteProcess(process, blob, queue, table);
        try
        {
            await FreePort.WaitUntilListeningAsync(queue, TimeSpan.FromSeconds(30));
            await FreePort.WaitUntilListeningAsync(blob, TimeSpan.FromSeconds(30));
            await FreePort.WaitUntilListeningAsync(table, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
        return azurite;
    }

    /// <summary>A queue client that writes base64, as the Functions trigger expects.</summary>
    public QueueClient Queue(string name) =>
        new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

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
