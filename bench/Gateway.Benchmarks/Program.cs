using System.Diagnostics;
using System.Runtime.InteropServices;
using AccessTokenGateway.Benchmarks;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

// Issue 4's benchmark: one run, one table. Progress goes to stderr, the table to stdout.
var smoke = args.Contains("--smoke");
// --cold-host PATH: measure another build of the local host in the own-process phases (e.g. a ReadyToRun publish).
var coldHost = args.SkipWhile(a => a != "--cold-host").Skip(1).FirstOrDefault();
var plan = smoke
    ? new Plan("smoke", LatencySamples: 150, LatencyWarmup: 30, SlowSamples: 24, SlowWarmup: 2, DrainChanges: 100, ColdStarts: 1, MemoryRequests: 1_000, ServerGcRequests: 500)
    : new Plan("full", LatencySamples: 2_000, LatencyWarmup: 200, SlowSamples: 400, SlowWarmup: 8, DrainChanges: 1_000, ColdStarts: 3, MemoryRequests: 10_000, ServerGcRequests: 2_000);
const int Unlimited = 1_000_000;
const int DrainLimit = 60;

var run = Stopwatch.StartNew();
var loadAtStart = Machine.LoadAverage();
void Progress(string message) => Console.Error.WriteLine($"[{run.Elapsed:mm\\:ss}] {message}");

Progress($"starting Azurite, the DatoCMS simulator and the Key Vault fake ({plan.Name} run)");
await using var storage = await Azurite.StartAsync();
await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = Unlimited });
await using var vault = await FakeKeyVault.StartAsync();
vault.SetSecret(InProcessGateway.CmaSecretName, Changes.CmaToken);

ColdHostResult coldWorkstationGc, coldServerGc;
// The own-process phases get an Azurite of their own, dropped after them.
await using (var coldStorage = await Azurite.StartAsync())
await using (new AuditQueueJanitor(coldStorage))
{
    Progress($"local host in its own process, workstation GC (as the Functions worker): {plan.ColdStarts} cold starts, then {plan.MemoryRequests:N0} changes");
    coldWorkstationGc = await ColdHostPhase.RunAsync(coldStorage, simulator, plan.ColdStarts, plan.MemoryRequests, serverGc: false, coldHost);
    Progress($"local host in its own process, server GC (as Gateway.LocalHost ships): {plan.ColdStarts} cold starts, then {plan.ServerGcRequests:N0} changes");
    coldServerGc = await ColdHostPhase.RunAsync(coldStorage, simulator, plan.ColdStarts, plan.ServerGcRequests, serverGc: true, coldHost);
}

await using var janitor = new AuditQueueJanitor(storage);
Progress("in-process local host with the CMA token from the Key Vault fake");
await using var gateway = await InProcessGateway.StartAsync(storage, simulator, vault);
Progress("  " + InProcessGateway.StartupSteps);

Progress($"latency at 0 ms injected: {plan.LatencySamples:N0} samples of each kind, one caller");
var fast = await LatencyPhase.RunAsync(gateway, simulator, TimeSpan.Zero, workers: 1, plan.LatencyWarmup, plan.LatencySamples);
Progress($"latency at 100 ms injected: {plan.SlowSamples:N0} samples of each kind, four callers");
var slow = await LatencyPhase.RunAsync(gateway, simulator, TimeSpan.FromMilliseconds(100), workers: 4, plan.SlowWarmup, plan.SlowSamples);

Progress($"draining {plan.DrainChanges:N0} queued changes through the gateway at {DrainLimit} requests / 3 s");
var drain = await DrainPhase.ThroughGatewayAsync(gateway, simulator, storage, plan.DrainChanges, DrainLimit);
Progress($"  {drain.Wall.TotalSeconds:0.0} s; outcomes other than applied: {(drain.OtherOutcomes.Length == 0 ? "none" : drain.OtherOutcomes)}");
Progress($"the same {plan.DrainChanges:N0} changes from a naive client that only waits out 429s");
var naive = await DrainPhase.NaiveAsync(simulator, storage, plan.DrainChanges, DrainLimit);

var vaultFigures = new VaultFigures(vault.SecretReads, gateway.CmaToken.VaultReads, Interlocked.Read(ref gateway.ChangesServed), gateway.Startup, run.Elapsed, InProcessGateway.VaultCacheDuration);
Progress("done");

Report.Print(new ReportInput(plan, Machine.Describe(), fast, slow, drain, naive, vaultFigures, gateway.Startup, coldServerGc, coldWorkstationGc, loadAtStart, Machine.LoadAverage()));
return drain.Completed && naive.Completed ? 0 : 1;

internal sealed record Plan(string Name, int LatencySamples, int LatencyWarmup, int SlowSamples, int SlowWarmup, int DrainChanges, int ColdStarts, int MemoryRequests, int ServerGcRequests);

internal sealed record VaultFigures(int SuccessfulReads, long ReadAttempts, long Changes, TimeSpan HostStartedAfter, TimeSpan RunEnded, TimeSpan CacheDuration)
{
    /// <summary>Cache periods the in-process host lived through (each may read the vault once).</summary>
    public int CachePeriods => (int)Math.Ceiling((RunEnded - HostStartedAfter) / CacheDuration);
}

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
