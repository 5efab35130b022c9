using System.Diagnostics;
using System.Runtime.InteropServices;
using AccessTokenGateway.Benchmarks;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

// The benchmark: one run, one table. Progress goes to stderr, the table to stdout.
var smoke = args.Contains("--smoke");
// --cold-host PATH: measure another build of the local host in the own-process phases (e.g. a ReadyToRun publish).
var coldHost = args.SkipWhile(a => a != "--cold-host").Skip(1).FirstOrDefault();
// --cold-env NAME=VALUE (repeatable): an environment variable for the own-process local host, e.g. a GC setting to try.
var coldEnv = args.Select((a, i) => (a, i)).Where(x => x.a == "--cold-env" && x.i + 1 < args.Length).Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
// --cold-only: just the own-process phase on workstation GC (start-up and memory), summarised on stderr.
var coldOnly = args.Contains("--cold-only");
// --latency-only: just the two latency phases, summarised on stderr (for comparing changes to the hot path; no table).
var latencyOnly = args.Contains("--latency-only");
// --drain-only: just the drains against the floor and the one-token updates, summarised on stderr.
var drainOnly = args.Contains("--drain-only");
// --audit-sinks [MS]: just the audit trail's two writes, alone, together and in a row, MS (5) added each way; on stderr.
var auditSinks = args.Contains("--audit-sinks");
var plan = smoke
    ? new Plan("smoke", LatencySamples: 150, LatencyWarmup: 30, SlowSamples: 24, SlowWarmup: 2, DrainChanges: 100, OneTokenChanges: 40, ColdStarts: 1,
        MemoryRequests: 1_000, MemoryRequestsLong: 2_000, MemoryTokens: 500, ServerGcRequests: 500)
    : new Plan("full", LatencySamples: 2_000, LatencyWarmup: 200, SlowSamples: 400, SlowWarmup: 8, DrainChanges: 1_000, OneTokenChanges: 200, ColdStarts: 3,
        MemoryRequests: 10_000, MemoryRequestsLong: 50_000, MemoryTokens: 5_000, ServerGcRequests: 2_000);
const int Unlimited = 1_000_000;
// DatoCMS's default limit, and the seed page's; --drain-limit N drains at N requests / 3 s only.
int[] drainLimits = args.SkipWhile(a => a != "--drain-limit").Skip(1).FirstOrDefault() is { } only && int.TryParse(only, out var onlyLimit) ? [onlyLimit] : [60, 30];

var run = Stopwatch.StartNew();
var loadAtStart = Machine.LoadAverage();
void Progress(string message) => Console.Error.WriteLine($"[{run.Elapsed:mm\\:ss}] {message}");

Progress($"starting Azurite, the DatoCMS simulator and the Key Vault fake ({plan.Name} run)");
await using var storage = await Azurite.StartAsync();
if (auditSinks)
{
    var ms = args.SkipWhile(a => a != "--audit-sinks").Skip(1).FirstOrDefault() is { } text && int.TryParse(text, out var m) ? m : 5;
    await AuditSinksPhase.RunAsync(storage, TimeSpan.FromMilliseconds(ms), samples: 300, Progress);
    return 0;
}
await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = Unlimited });
await using var vault = await FakeKeyVault.StartAsync();
vault.SetSecret(InProcessGateway.CmaSecretName, Changes.CmaToken);

if (coldOnly)
{
    var cold = await ColdHostPhase.RunAsync(simulator, plan.ColdStarts, plan.MemoryRequestsLong, serverGc: false, coldHost, coldEnv, DrainPhase.TokenIds(plan.MemoryTokens), plan.MemoryRequests);
    Progress($"start-up median {cold.MedianStartup.TotalMilliseconds:N0} ms; {cold.Requests:N0} changes to {cold.Tokens:N0} tokens at {cold.Requests / cold.Elapsed.TotalSeconds:0} changes/s; peak RSS {cold.PeakRssBytes / 1e6:0} MB");
    foreach (var at in new[] { cold.AtCheckpoint, cold.AtEnd }.OfType<MemoryAt>())
        Progress($"  RSS over changes {at.Changes - at.Window:N0}–{at.Changes:N0}: median {at.MedianRss / 1e6:0} MB ({at.LowestRss / 1e6:0}–{at.HighestRss / 1e6:0}, {at.Samples} samples); " +
            $"at {at.Changes:N0}: GC heap {at.Split.GcHeap / 1e6:0} MB, other own {at.Split.OtherAnonymous / 1e6:0} MB, file-backed {at.Split.FileBacked / 1e6:0} MB");
    return 0;
}
if (latencyOnly)
{
    await using var measured = await InProcessGateway.StartAsync(storage, simulator, vault);
    foreach (var (injected, workers, samples, warmup) in new[] { (0, 1, plan.LatencySamples, plan.LatencyWarmup), (100, 4, plan.SlowSamples, plan.SlowWarmup) })
    {
        var r = await LatencyPhase.RunAsync(measured, simulator, TimeSpan.FromMilliseconds(injected), workers, warmup, samples);
        Progress($"{injected} ms injected, {workers} caller(s): gateway p50 {r.Gateway.Percentile(50):0.0} / p99 {r.Gateway.Percentile(99):0.0} ms; " +
                 $"direct GET+PUT p50 {r.DirectGetPut.Percentile(50):0.0} / p99 {r.DirectGetPut.Percentile(99):0.0} ms; " +
                 $"added p50 {r.Gateway.Percentile(50) - r.DirectGetPut.Percentile(50):0.0} ms; ratio p50 {r.Gateway.Percentile(50) / r.DirectGetPut.Percentile(50):0.000}; " +
                 $"audit write p50 {r.AuditWrites.Percentile(50):0.0}, lock p50 {r.TokenLock.Percentile(50):0.0}, DatoCMS call p50 {r.UpstreamCalls.Percentile(50):0.0} ms");
    }
    return 0;
}

ColdHostResult? coldWorkstationGc = null, coldServerGc = null;
if (!drainOnly)
{
    Progress($"local host in its own process, workstation GC (as the Functions worker): {plan.ColdStarts} cold starts, then {plan.MemoryRequestsLong:N0} changes to {plan.MemoryTokens:N0} tokens");
    coldWorkstationGc = await ColdHostPhase.RunAsync(simulator, plan.ColdStarts, plan.MemoryRequestsLong, serverGc: false, coldHost, coldEnv, DrainPhase.TokenIds(plan.MemoryTokens), plan.MemoryRequests);
    Progress($"local host in its own process, server GC (as Gateway.LocalHost ships): {plan.ColdStarts} cold starts, then {plan.ServerGcRequests:N0} changes");
    coldServerGc = await ColdHostPhase.RunAsync(simulator, plan.ColdStarts, plan.ServerGcRequests, serverGc: true, coldHost, coldEnv);
}

Progress("in-process local host with the CMA token from the Key Vault fake");
await using var gateway = await InProcessGateway.StartAsync(storage, simulator, vault);
Progress("  " + InProcessGateway.StartupSteps);

var drains = new List<DrainResult>();
DrainResult? oneToken = null, oneTokenClient = null;
foreach (var limit in drainLimits)
{
    // Each drain on a fresh Azurite, on disk, and a fresh host: in memory, Azurite's sweep of deleted messages freezes
    // every service for seconds once a minute, and would land inside a drain (see AzuriteProcess.StartAsync).
    await using var drainStorage = await Azurite.StartAsync(onDisk: true);
    await using var host = await InProcessGateway.StartAsync(drainStorage, simulator, vault);
    Progress($"draining {plan.DrainChanges:N0} queued changes to as many tokens through the gateway at {limit} requests / 3 s");
    var drain = await DrainPhase.ThroughGatewayAsync(host, simulator, drainStorage, plan.DrainChanges, limit);
    Progress($"  {drain.Wall.TotalSeconds:0.0} s = {drain.Ratio:0.000}× the floor; {drain.Mix}; {drain.RateLimited:N0} 429s; {drain.Lost:N0} lost; outcomes other than applied: {(drain.OtherOutcomes.Length == 0 ? "none" : drain.OtherOutcomes)}");
    Progress($"  {drain.Timeline}");
    Progress($"  {drain.Stalls}");
    drains.Add(drain);
    Progress($"the same {plan.DrainChanges:N0} changes from the official client, PUT only, {DrainPhase.ClientInFlight} in flight");
    var client = await DrainPhase.OfficialClientAsync(simulator, plan.DrainChanges, limit);
    Progress($"  {client.Wall.TotalSeconds:0.0} s = {client.Ratio:0.000}× the floor; {client.RateLimited:N0} 429s of {client.Requests:N0} requests");
    drains.Add(client);
    if (oneToken is not null) continue;
    Progress($"{plan.OneTokenChanges:N0} updates to one token, {DrainPhase.ClientInFlight} in flight: the gateway over HTTP, then the official client");
    oneToken = await DrainPhase.OneTokenThroughGatewayAsync(host, simulator, plan.OneTokenChanges, limit, DrainPhase.ClientInFlight);
    oneTokenClient = await DrainPhase.OfficialClientAsync(simulator, plan.OneTokenChanges, limit, oneToken: true);
    Progress($"  gateway {oneToken.Wall.TotalSeconds:0.0} s ({oneToken.Mix}); client {oneTokenClient.Wall.TotalSeconds:0.0} s ({oneTokenClient.RateLimited:N0} 429s)");
}
if (drainOnly) return drains.Append(oneToken!).Append(oneTokenClient!).All(d => d.Completed && d.Lost == 0) ? 0 : 1;
simulator.State.Options.RateLimitPerWindow = Unlimited;   // the latency phases measure overhead, not pacing
simulator.State.Reset();

// The latency phases get an Azurite of their own: every dequeue in Azurite scans all the messages of the account, so the
// queue listener's polls would slow down with the drain's audit records (an emulator's cost, not Azure Storage's).
LatencyResult fast, slow, fastNoStorage, slowNoStorage;
await using (var latencyStorage = await Azurite.StartAsync())
{
    await using (var measured = await InProcessGateway.StartAsync(latencyStorage, simulator, vault))
    {
        Progress($"latency at 0 ms injected: {plan.LatencySamples:N0} samples of each kind, one caller");
        fast = await LatencyPhase.RunAsync(measured, simulator, TimeSpan.Zero, workers: 1, plan.LatencyWarmup, plan.LatencySamples);
        Progress($"latency at 100 ms injected: {plan.SlowSamples:N0} samples of each kind, four callers");
        slow = await LatencyPhase.RunAsync(measured, simulator, TimeSpan.FromMilliseconds(100), workers: 4, plan.SlowWarmup, plan.SlowSamples);
    }
    await using (var noStorage = await InProcessGateway.StartAsync(latencyStorage, simulator, vault, storageExcluded: true))
    {
        Progress("the same two latency phases with storage's round trips excluded (audit records serialised, not sent; in-process lock)");
        fastNoStorage = await LatencyPhase.RunAsync(noStorage, simulator, TimeSpan.Zero, workers: 1, plan.LatencyWarmup, plan.LatencySamples);
        slowNoStorage = await LatencyPhase.RunAsync(noStorage, simulator, TimeSpan.FromMilliseconds(100), workers: 4, plan.SlowWarmup, plan.SlowSamples);
    }
}

gateway.Settle();
var vaultFigures = InProcessGateway.VaultFigures(vault.SecretReads);
Progress("done");

Report.Print(new ReportInput(plan, Machine.Describe(), fast, slow, fastNoStorage, slowNoStorage, drains, oneToken!, oneTokenClient!, vaultFigures, gateway.Startup, coldServerGc!, coldWorkstationGc!, loadAtStart, Machine.LoadAverage()));
// Missed targets are reported, not failed on; a drain that loses or leaves a change is a failure.
return drains.Append(oneToken!).Append(oneTokenClient!).All(d => d.Completed && d.Lost == 0) ? 0 : 1;

internal sealed record Plan(string Name, int LatencySamples, int LatencyWarmup, int SlowSamples, int SlowWarmup, int DrainChanges, int OneTokenChanges, int ColdStarts,
    int MemoryRequests, int MemoryRequestsLong, int MemoryTokens, int ServerGcRequests);

/// <param name="CachePeriods">Cache periods the in-process hosts lived through, summed (each may read the vault once).</param>
internal sealed record VaultFigures(int SuccessfulReads, long ReadAttempts, long Changes, int CachePeriods, TimeSpan CacheDuration);

internal static class Machine
{
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } m
                ? $"{long.Parse(m.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0:0.0} GiB RAM" : "? RAM"
            : "? RAM";
        return $"{Environment.ProcessorCount} cores, {cpu}, {memory}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
