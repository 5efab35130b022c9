using System.Diagnostics;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Benchmarks;

internal sealed record ColdHostResult(bool ServerGc, IReadOnlyList<TimeSpan> Startups, int Requests, TimeSpan Elapsed, long PeakRssBytes, long FinalRssBytes)
{
    /// <summary>Resident memory over the changes just before the checkpoint (when one was asked for), and over the last ones.</summary>
    public MemoryAt? AtCheckpoint { get; init; }
    public MemoryAt? AtEnd { get; init; }
    public int Tokens { get; init; }

    /// <summary>At the end: resident memory of the process's own (anonymous: heaps, JIT'd code, stacks) and file-backed pages (the runtime's and assemblies' images, shared with any other .NET process).</summary>
    public (long Anonymous, long FileBacked) FinalSplit { get; init; }

    public TimeSpan MedianStartup => Startups.Order().ElementAt(Startups.Count / 2);
}

/// <summary>
/// Resident memory after a number of changes. It saws up and down with each collection, so one sample says little:
/// this is the median (and range) of the samples taken while the last <paramref name="Window"/> changes were made,
/// and where the memory was at the last of them (<see cref="MemorySplit"/>).
/// </summary>
internal sealed record MemoryAt(int Changes, int Window, long MedianRss, long LowestRss, long HighestRss, int Samples, MemorySplit Split);

/// <summary>
/// Where a process's resident pages are, from <c>/proc/&lt;pid&gt;/smaps</c>: in the GC's reserved address range (the
/// managed heap as committed and touched), in the rest of its anonymous memory (the runtime's native heaps, JIT'd code,
/// stacks), and file-backed (the runtime's and assemblies' images, shared with other .NET processes).
/// </summary>
internal sealed record MemorySplit(long GcHeap, long OtherAnonymous, long FileBacked)
{
    /// <summary>
    /// The GC reserves one large address range up front (256 GB with regions) and commits parts of it as it needs them,
    /// so the kernel shows it as a run of adjacent anonymous mappings, one of them a huge inaccessible one. That run,
    /// around the largest inaccessible anonymous mapping, is the GC's.
    /// </summary>
    public static MemorySplit Read(int pid)
    {
        // Own: no file behind it, or the runtime's memfd "doublemapper" (JIT'd code mapped twice, for W^X).
        var maps = new List<(ulong Start, ulong End, bool Anonymous, bool Own, bool Reserved, long Rss)>();
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.IndexOf('-') is > 0 and var dash && line.IndexOf(' ') > dash)
                {
                    var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                    var path = fields.Length > 5 ? fields[5].Trim() : "";
                    maps.Add((Convert.ToUInt64(line[..dash], 16), Convert.ToUInt64(fields[0][(dash + 1)..], 16),
                        path.Length == 0, path.Length == 0 || path.StartsWith('[') || path.StartsWith("/memfd:", StringComparison.Ordinal),
                        fields[1].StartsWith("---", StringComparison.Ordinal), 0));
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal) && maps.Count > 0)
                {
                    maps[^1] = maps[^1] with { Rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024 };
                }
            }
        }
        catch (IOException)
        {
            return new MemorySplit(0, 0, 0);
        }
        var gc = new HashSet<int>();
        var largest = maps.Select((m, i) => (m, i)).Where(x => x.m.Anonymous && x.m.Reserved).MaxBy(x => x.m.End - x.m.Start);
        if (largest.m.End > largest.m.Start)
        {
            gc.Add(largest.i);
            for (var i = largest.i - 1; i >= 0 && maps[i].Anonymous && maps[i].End == maps[i + 1].Start; i--) gc.Add(i);
            for (var i = largest.i + 1; i < maps.Count && maps[i].Anonymous && maps[i].Start == maps[i - 1].End; i++) gc.Add(i);
        }
        long gcHeap = 0, other = 0, file = 0;
        for (var i = 0; i < maps.Count; i++)
        {
            if (gc.Contains(i)) gcHeap += maps[i].Rss;
            else if (maps[i].Own) other += maps[i].Rss;
            else file += maps[i].Rss;
        }
        return new MemorySplit(gcHeap, other, file);
    }
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
        // An Azurite of its own, dropped after, and another for the audit feed (AuditFeedStorage): the phase leaves 100,000
        // audit records in the feed, and Azurite's every dequeue (the listeners poll twice a second) scans the messages
        // of its whole account, so on the gateway's account they would slow each change more than the one before.
        await using var storage = await Azurite.StartAsync();
        await using var feed = await AzuriteProcess.StartAsync();
        var startups = new List<TimeSpan>();
        for (var run = 1; ; run++)
        {
            await using var host = await ColdHost.StartAsync(storage, feed, simulator, serverGc, localHostDll ?? LocalHostDll(), environment);
            startups.Add(host.Startup);
            if (run < starts) continue;

            var peak = 0L;
            var done = 0;
            var samples = new List<(int Done, long Rss)>();
            var window = Math.Max(checkpoint / 5, 1);
            MemorySplit? atCheckpoint = null;
            using var watching = new CancellationTokenSource();
            var watcher = Task.Run(async () =>
            {
                while (!watching.IsCancellationRequested)
                {
                    var rss = Rss(host.Process.Id, "VmRSS");
                    peak = Math.Max(peak, rss);
                    var made = Volatile.Read(ref done);
                    lock (samples) samples.Add((made, rss));
                    if (atCheckpoint is null && checkpoint > 0 && made >= checkpoint) atCheckpoint = MemorySplit.Read(host.Process.Id);
                    await Task.Delay(100);
                }
            });
            var load = Stopwatch.GetTimestamp();
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
            {
                while (Interlocked.Increment(ref next) is var i && i <= requests)
                {
                    var token = tokens[i % tokens.Count];
                    while (!await Changes.SendAsync(host.Client, Changes.GatewayPut(token, Changes.GatewayBody(simulator, token, $"Cold {i}")), retryable: true))
                        await Task.Delay(100);
                    Interlocked.Increment(ref done);
                }
            }));
            var elapsed = Stopwatch.GetElapsedTime(load);
            var atEnd = MemorySplit.Read(host.Process.Id);
            await watching.CancelAsync();
            await watcher;
            var final = Rss(host.Process.Id, "VmRSS");
            peak = Math.Max(peak, Rss(host.Process.Id, "VmHWM"));
            return new ColdHostResult(serverGc, startups, requests, elapsed, peak, final)
            {
                FinalSplit = (Rss(host.Process.Id, "RssAnon"), Rss(host.Process.Id, "RssFile") + Rss(host.Process.Id, "RssShmem")),
                AtCheckpoint = checkpoint > 0 && atCheckpoint is not null ? Over(samples, checkpoint, window, atCheckpoint) : null,
                AtEnd = Over(samples, requests, window, atEnd),
                Tokens = tokens.Count,
            };
        }
    }

    /// <summary>The samples taken while changes <c>changes − window</c> to <c>changes</c> were made.</summary>
    private static MemoryAt Over(List<(int Done, long Rss)> samples, int changes, int window, MemorySplit split)
    {
        long[] rss;
        lock (samples) rss = [.. samples.Where(s => s.Done > changes - window && s.Done <= changes).Select(s => s.Rss).Order()];
        return rss.Length == 0
            ? new MemoryAt(changes, window, 0, 0, 0, 0, split)
            : new MemoryAt(changes, window, rss[rss.Length / 2], rss[0], rss[^1], rss.Length, split);
    }

    /// <summary>One local host process, started and serving.</summary>
    private sealed class ColdHost(Process process, HttpClient client, TimeSpan startup) : IAsyncDisposable
    {
        public Process Process { get; } = process;
        public HttpClient Client { get; } = client;
        public TimeSpan Startup { get; } = startup;

        public static async Task<ColdHost> StartAsync(AzuriteProcess storage, AzuriteProcess feed, SimulatorServer simulator, bool serverGc, string dll, IReadOnlyDictionary<string, string>? environment)
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
                    ["AuditFeedStorage"] = feed.ConnectionString,
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
