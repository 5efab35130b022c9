using System.Diagnostics;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Tests.Support;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) in its own Node.js process, in memory (or, asked for, in a
/// temporary folder of its own), on loopback ports chosen at run time; killed on dispose, its folder deleted. The tests'
/// fixture and the benchmark both start it here.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, string? folder, int blobPort, int queuePort, int tablePort) =>
        (_process, Folder, BlobPort, QueuePort, TablePort) = (process, folder, blobPort, queuePort, tablePort);

    /// <summary>Where it keeps its data when started on disk; null in memory.</summary>
    public string? Folder { get; }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    /// <param name="onDisk">
    /// Keep messages and blobs in a temporary folder rather than in memory. In memory, Azurite's queue sweep (60 s after
    /// each pass) removes each deleted message's extent from an indexed collection of them all, without yielding, and every
    /// service waits: 4.0–7.4 s after 1,000 deleted beside 2,000 live; on disk, where messages share extent files, the
    /// slowest answer was 17 ms (<c>node tools/azurite/sweep-stall.mjs 1000 2000 [disk]</c>). The benchmark's drains
    /// use it; the tests, which time nothing, stay in memory.
    /// </param>
    public static async Task<AzuriteProcess> StartAsync(bool onDisk = false)
    {
        var script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"Azurite is not installed ({script}); run `npm ci` at the repository root.");
        var (blob, queue, table) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var folder = onDisk ? Directory.CreateTempSubdirectory("azurite-").FullName : null;
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in folder is null ? ["--inMemoryPersistence"] : new[] { "--location", folder }) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, folder, blob, queue, table);
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
        if (Folder is not null) Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
