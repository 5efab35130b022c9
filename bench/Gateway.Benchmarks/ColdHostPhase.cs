using System.Diagnostics;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Benchmarks;

internal sealed record ColdHostResult(bool ServerGc, IReadOnlyList<TimeSpan> Startups, int Requests, TimeSpan Elapsed, long PeakRssBytes, long FinalRssBytes)
{
    /// <summary>Changes made, and resident memory, at the checkpoint (when one was asked for); the tokens they went to.</summary>
    public (int Requests, long RssBytes, long Anonymous, long FileBacked) AtCheckpoint { get; init; }
    public int Tokens { get; init; }

    /// <summary>At the end: resident memory of the process's own (anonymous: heaps, JIT'd code, stacks) and file-backed pages (the runtime's and assemblies' images, shared with any other .NET process).</summary>
    public (long Anonymous, long FileBacked) FinalSplit { get; init; }

    public TimeSpan MedianStartup => Startups.Order().ElementAt(Startups.Count / 2);
}

/// <summary>
/// The local host as its own process (<c>dotnet Gateway.LocalHost.dll</c>, CMA token from configuration as in a
/// Development run): start-up from process start to the first change applied (several starts; the median counts),
/// then N changes from 8 callers to the last one while its resident memory is watched. Alone in its process, its
/// memory is the gateway's and nothing else's.
/// </summary>
internal static class ColdHostPhase
{
    private const string FunctionKey = "bench-cold-key";

    /// <param name="tokens">The tokens the changes go to, in turn (each change to the next one); by default the seed's 8 first editable tokens.</param>
    /// <param name="checkpoint">After this many changes, the resident memory is noted too.</param>
    public static async Task<ColdHostResult> RunAsync(SimulatorServer simulator, int starts, int requests, bool serverGc, string? localHostDll = null,
        IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? tokens = null, int checkpoint = 0)
    {
        tokens ??= [.. Seed.EditableTokenIds.Take(8)];
        DrainPhase.AddTokens(simulator, tokens);
        // An Azurite of its own, dropped after: this phase leaves tens of thousands of audit records behind.
        await using var storage = await Azurite.StartAsync();
        var startups = new List<TimeSpan>();
        for (var run = 1; ; run++)
        {
            await using var host = await ColdHost.StartAsync(storage, simulator, serverGc, localHostDll ?? LocalHostDll(), environment);
            startups.Add(host.Startup);
            if (run < starts) continue;

            var peak = 0L;
            using var watching = new CancellationTokenSource();
            var watcher = Task.Run(async () =>
            {
                while (!watching.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Rss(host.Process.Id, "VmRSS"));
                    await Task.Delay(100);
                }
            });
            var load = Stopwatch.GetTimestamp();
            var next = 0;
            var done = 0;
            (int, long, long, long) atCheckpoint = default;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
            {
                while (Interlocked.Increment(ref next) is var i && i <= requests)
                {
                    var token = tokens[i % tokens.Count];
                    while (!await Changes.SendAsync(host.Client, Changes.GatewayPut(token, Changes.GatewayBody(simulator, token, $"Cold {i}")), retryable: true))
                        await Task.Delay(100);
                    if (Interlocked.Increment(ref done) == checkpoint)
                        atCheckpoint = (checkpoint, Rss(host.Process.Id, "VmRSS"), Rss(host.Process.Id, "RssAnon"), Rss(host.Process.Id, "RssFile") + Rss(host.Process.Id, "RssShmem"));
                }
            }));
            var elapsed = Stopwatch.GetElapsedTime(load);
            await watching.CancelAsync();
            await watcher;
            var final = Rss(host.Process.Id, "VmRSS");
            peak = Math.Max(peak, Rss(host.Process.Id, "VmHWM"));
            return new ColdHostResult(serverGc, startups, requests, elapsed, peak, final)
            {
                FinalSplit = (Rss(host.Process.Id, "RssAnon"), Rss(host.Process.Id, "RssFile") + Rss(host.Process.Id, "RssShmem")),
                AtCheckpoint = atCheckpoint,
                Tokens = tokens.Count,
            };
        }
    }

    /// <summary>One local host process, started and serving.</summary>
    private sealed class ColdHost(Process process, HttpClient client, TimeSpan startup) : IAsyncDisposable
    {
        public Process Process { get; } = process;
        public HttpClient Client { get; } = client;
        public TimeSpan Startup { get; } = startup;

        public static async Task<ColdHost> StartAsync(AzuriteProcess storage, SimulatorServer simulator, bool serverGc, string dll, IReadOnlyDictionary<string, string>? environment)
        {
            var port = FreePort.Next();
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}", "--environment", "Development" },
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment =
                {
                    ["AzureWebJobsStorage"] = storage.ConnectionString,
                    ["DatoCms__BaseUrl"] = simulator.BaseUrl.ToString(),
                    ["KeyVault__DevelopmentCmaToken"] = Changes.CmaToken,
                    ["Grants__DevelopmentRevertKey"] = "benchmark-grant-revert-key-0123456789abcdef",
                    ["LocalHost__FunctionKeys__default"] = FunctionKey,
                    ["DOTNET_gcServer"] = serverGc ? "1" : "0",
                },
            };
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
            var client = Changes.GatewayClient(new Uri($"http://127.0.0.1:{port}/api/"), FunctionKey);
            var started = Stopwatch.GetTimestamp();
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            var lastLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            void Keep(string? line)
            {
                if (line is null) return;
                lastLines.Enqueue(line);
                while (lastLines.Count > 40) lastLines.TryDequeue(out _);
            }
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var host = new ColdHost(process, client, TimeSpan.Zero);
            try
            {
                return new ColdHost(process, client, await FirstServedAsync(client, simulator, started, process));
            }
            catch (Exception ex)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException(ex.Message + " Its last output:\n" + string.Join('\n', lastLines), ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
            Process.Dispose();
        }
    }

    private static async Task<TimeSpan> FirstServedAsync(HttpClient client, SimulatorServer simulator, long started, Process process)
    {
        var token = Seed.EditableTokenId;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The local host exited with {process.ExitCode} before serving a request.");
            try
            {
                using var response = await client.SendAsync(Changes.GatewayPut(token, Changes.GatewayBody(simulator, token, "Cold start")));
                if (response.IsSuccessStatusCode) return Stopwatch.GetElapsedTime(started);
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60)) throw new TimeoutException("The local host served nothing within 60 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>A figure from /proc/&lt;pid&gt;/status (VmRSS: resident now, VmHWM: peak resident), in bytes.</summary>
    private static long Rss(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The local host built in the benchmark's own configuration (the project reference builds it).</summary>
    private static string LocalHostDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "tools", "Gateway.LocalHost", "bin", configuration, "net10.0", "Gateway.LocalHost.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the benchmark with its project references.");
    }
}
