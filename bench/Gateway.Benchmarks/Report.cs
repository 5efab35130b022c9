using System.Globalization;

namespace AccessTokenGateway.Benchmarks;

internal sealed record ReportInput(
    Plan Plan, string Machine, LatencyResult Fast, LatencyResult Slow, LatencyResult FastNoStorage, LatencyResult SlowNoStorage,
    IReadOnlyList<DrainResult> Drains, DrainResult OneToken, DrainResult OneTokenClient, VaultFigures Vault,
    TimeSpan InProcessStartup, ColdHostResult ColdServerGc, ColdHostResult ColdWorkstationGc, string LoadAtStart, string LoadAtEnd);

/// <summary>The one table the benchmark prints: every figure from this run, its target, and whether it was met (and if not, why).</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(ReportInput r)
    {
        var rows = new List<(string Measure, string Figure, string Target, string Verdict)>();
        var (fast, slow) = (r.Fast, r.Slow);

        // Latency at 0 ms injected.
        var fastGateway = fast.Gateway.Summary();
        var fastGetPut = fast.DirectGetPut.Summary();
        var fastPut = fast.DirectPut.Summary();
        var audit = fast.AuditWrites.Summary();
        var addedP50 = fastGateway.P50 - fastGetPut.P50;
        var addedP99 = fastGateway.P99 - fastGetPut.P99;
        rows.Add(($"Latency, 0 ms injected, 1 caller, {fast.Gateway.Count:N0} each: gateway p50 / p95 / p99", Ms3(fastGateway), "", ""));
        rows.Add(("  direct GET + PUT to DatoCMS (the gateway's own upstream work)", Ms3(fastGetPut), "", ""));
        rows.Add(("  direct PUT only", Ms3(fastPut), "", ""));
        rows.Add(("  added by the gateway (vs direct GET + PUT) p50 / p99", $"{Ms(addedP50)} / {Ms(addedP99)}", "≤ 3 ms / ≤ 10 ms",
            Verdict(addedP50 <= 3 && addedP99 <= 10, $"three storage round trips one after the other, by design: the token's lock ({Ms(fast.TokenLock.Percentile(50))} p50), " +
                $"the intent record before the PUT and the outcome record after it ({Ms(audit.P50)} p50 each; the lock's release runs alongside the outcome write). " +
                "Azurite, a single-threaded emulator, takes longer than the whole target for these alone; the gateway's own work is the last line below")));
        rows.Add(("  of which one audit write (2 per change) p50 / p99", $"{Ms(audit.P50)} / {Ms(audit.P99)}", "", "fail-closed audit: intent before the PUT, outcome after"));
        var upstream = fast.UpstreamCalls.Summary();
        rows.Add(("  of which one DatoCMS call through the resilient client (2 per change) p50 / p99", $"{Ms(upstream.P50)} / {Ms(upstream.P99)}", "",
            $"direct: {Ms(fastGetPut.P50 / 2)} p50 per call"));
        var tokenLock = fast.TokenLock.Summary();
        rows.Add(("  of which acquiring the per-token lock (1 per change) p50 / p99", $"{Ms(tokenLock.P50)} / {Ms(tokenLock.P99)}", "",
            "a blob lease, shared by every instance (BlobTokenLocks); released while the outcome is written"));
        var own = fastGateway.P50 - 2 * audit.P50 - 2 * upstream.P50 - tokenLock.P50;
        rows.Add(("  the rest: the gateway's own work (HTTP, function key, validation, policy, JSON) p50, by difference", Ms(own), "(≤ 3 ms)",
            Verdict(own <= 3, "CPU shared with the simulator, Azurite and the callers")));

        var fastBare = r.FastNoStorage.Gateway.Summary();
        var fastBareGetPut = r.FastNoStorage.DirectGetPut.Summary();
        rows.Add(("  decomposition: the same with storage excluded (audit records serialised, not sent; in-process lock): added p50 / p99",
            $"{Ms(fastBare.P50 - fastBareGetPut.P50)} / {Ms(fastBare.P99 - fastBareGetPut.P99)}", "(≤ 3 ms / ≤ 10 ms)",
            Verdict(fastBare.P50 - fastBareGetPut.P50 <= 3 && fastBare.P99 - fastBareGetPut.P99 <= 10, "the gateway's own work is over the target even without storage") +
            " — what the gateway's code adds; never how it runs (it would apply changes with no audit trail)"));

        // Latency at 100 ms injected.
        var slowGateway = slow.Gateway.Summary();
        var slowGetPut = slow.DirectGetPut.Summary();
        var slowPut = slow.DirectPut.Summary();
        var ratio = (slowGateway.P50 / slowGetPut.P50, slowGateway.P95 / slowGetPut.P95, slowGateway.P99 / slowGetPut.P99);
        rows.Add(($"Latency, 100 ms injected, {slow.Workers} callers, {slow.Gateway.Count:N0} each: gateway p50 / p95 / p99", Ms3(slowGateway), "", ""));
        rows.Add(("  direct GET + PUT to DatoCMS", Ms3(slowGetPut), "", ""));
        rows.Add(("  direct PUT only", Ms3(slowPut), "", ""));
        rows.Add(("  ratio gateway ÷ direct GET + PUT p50 / p95 / p99", $"{X(ratio.Item1)} / {X(ratio.Item2)} / {X(ratio.Item3)}", "≤ 1.05",
            Verdict(ratio.Item1 <= 1.05 && ratio.Item2 <= 1.05 && ratio.Item3 <= 1.05, "the same three storage round trips as at 0 ms, slower with four callers on Azurite's single thread; see the decomposition below")));
        var slowBare = r.SlowNoStorage.Gateway.Summary();
        var slowBareGetPut = r.SlowNoStorage.DirectGetPut.Summary();
        var bareRatio = (slowBare.P50 / slowBareGetPut.P50, slowBare.P95 / slowBareGetPut.P95, slowBare.P99 / slowBareGetPut.P99);
        rows.Add(("  decomposition: the same with storage excluded, ratio p50 / p95 / p99",
            $"{X(bareRatio.Item1)} / {X(bareRatio.Item2)} / {X(bareRatio.Item3)}", "(≤ 1.05)",
            Verdict(Missed(bareRatio, 1.05) is "", $"at {Missed(bareRatio, 1.05)}: the slowest few of {r.SlowNoStorage.Gateway.Count:N0} changes, four callers and the simulator sharing two cores") +
            " — the gateway's code alone"));
        rows.Add(("  ratio gateway ÷ direct PUT only, p50", X(slowGateway.P50 / slowPut.P50), "(not the target's comparison)",
            "read-before-write: every change is a GET and a PUT, two round trips where a blind PUT makes one"));
        rows.Add(("  added by the gateway p50 / p99", $"{Ms(slowGateway.P50 - slowGetPut.P50)} / {Ms(slowGateway.P99 - slowGetPut.P99)}", "", ""));

        // Drains, against the floor: one request per change that needs a PUT.
        foreach (var d in r.Drains.Where(d => !d.Who.StartsWith("official", StringComparison.Ordinal)))
        {
            var client = r.Drains.Single(c => c.Who.StartsWith("official", StringComparison.Ordinal) && c.Limit == d.Limit);
            rows.Add(($"Drain {d.Changes:N0} queued changes to {d.Changes:N0} tokens at L = {d.Limit} / 3 s: wall vs floor ({d.Changes:N0} × 3 s ÷ {d.Limit})",
                $"{S(d.Wall)} vs {S(d.Floor)} = {X(d.Ratio)}", "≤ 1.05×",
                d.Completed ? Verdict(d.Ratio <= 1.05, $"DatoCMS's view: {d.Timeline}; {d.Stalls}") : $"NO — did not finish; DatoCMS's view: {d.Timeline}; {d.Stalls}"));
            rows.Add(("  requests per change; share of them PUTs", $"{d.RequestsPerChange.ToString("0.000", Invariant)} ({d.Mix}); {Pct(d.PutShare)}", "≥ 95 % PUTs",
                Verdict(d.PutShare >= 0.95, "reads were not gathered into few enough lists")));
            rows.Add(("  429s received ÷ requests DatoCMS saw", $"{d.RateLimited:N0} ÷ {d.Requests:N0} = {Pct(d.RateLimitedShare)}", "0",
                Verdict(d.RateLimited == 0, "a window began or ended between the pacer's model and DatoCMS's")));
            rows.Add(("  lost / poisoned / outcomes audited as applied", $"{d.Lost:N0} / {d.Poisoned:N0} / {d.AuditedApplied:N0}", "0 lost",
                Verdict(d.Lost == 0 && d.AuditedApplied == d.Changes, "see the gateway's audit trail" + (d.OtherOutcomes.Length == 0 ? "" : "; other outcomes: " + d.OtherOutcomes))));
            rows.Add(($"  anchor: the official client, PUT only, {DrainPhase.ClientInFlight} in flight: wall vs floor; requests per change; 429s ÷ requests",
                $"{S(client.Wall)} = {X(client.Ratio)}; {client.RequestsPerChange.ToString("0.000", Invariant)}; {client.RateLimited:N0} ÷ {client.Requests:N0} = {Pct(client.RateLimitedShare)}", "(anchor)",
                client.Completed ? $"the gateway took {X(d.Wall / client.Wall)} the client's time, with no 429" : "did not finish"));
        }
        var (one, oneClient) = (r.OneToken, r.OneTokenClient);
        rows.Add(($"{one.Changes:N0} updates to one token, {DrainPhase.ClientInFlight} in flight, L = {one.Limit} / 3 s: gateway (HTTP) wall vs floor; requests per change; 429s",
            $"{S(one.Wall)} vs {S(one.Floor)} = {X(one.Ratio)}; {one.RequestsPerChange.ToString("0.000", Invariant)} ({one.Mix}); {one.RateLimited:N0}", "",
            "every change reads its token under its own lease: successive changes to one token do not reuse the last PUT's answer (docs/resilience.md says why)"));
        rows.Add(("  the official client, same updates: wall vs floor; requests per change; 429s ÷ requests",
            $"{S(oneClient.Wall)} = {X(oneClient.Ratio)}; {oneClient.RequestsPerChange.ToString("0.000", Invariant)}; {oneClient.RateLimited:N0} ÷ {oneClient.Requests:N0} = {Pct(oneClient.RateLimitedShare)}", "(anchor)",
            $"the gateway took {X(one.Wall / oneClient.Wall)} the client's time"));

        // Key Vault, start-up, memory.
        var v = r.Vault;
        var perThousand = v.Changes == 0 ? 0 : v.SuccessfulReads * 1000.0 / v.Changes;
        rows.Add(("Key Vault reads per 1,000 changes (in-process host, real SecretClient)",
            $"{perThousand.ToString("0.00", Invariant)} ({v.SuccessfulReads} reads for {v.Changes:N0} changes over {v.CachePeriods} cache periods of {v.CacheDuration.TotalMinutes:0} min)",
            "≤ 1 read per cache period", Verdict(v.SuccessfulReads <= v.CachePeriods && v.ReadAttempts == v.SuccessfulReads, "extra reads: a refresh after 401 or a failed read")));
        var (cs, cw) = (r.ColdServerGc, r.ColdWorkstationGc);
        rows.Add(($"Start-up to first served request, own process, workstation GC (as the Functions worker): median of {cw.Startups.Count} (min – max)",
            $"{Ms0(cw.MedianStartup)} ({Ms0(cw.Startups.Min())} – {Ms0(cw.Startups.Max())})", "≤ 2 s",
            Verdict(cw.MedianStartup.TotalSeconds <= 2, "JIT: the host, the WebJobs listener, the Azure SDKs and the first change's code paths are compiled as they run")));
        rows.Add(($"  same, server GC (as Gateway.LocalHost ships): median of {cs.Startups.Count} (min – max)",
            $"{Ms0(cs.MedianStartup)} ({Ms0(cs.Startups.Min())} – {Ms0(cs.Startups.Max())})", "", ""));
        rows.Add(("  in-process, runtime and Kestrel already warm (the simulator runs in the same process)", Ms0(r.InProcessStartup), "", ""));
        var (at10, atEnd) = (cw.AtCheckpoint!, cw.AtEnd!);
        rows.Add(($"Memory, own process, workstation GC, {cw.Tokens:N0} distinct tokens: RSS after {at10.Changes:N0} changes / after {atEnd.Changes:N0} " +
                $"(median of the samples over the {at10.Window:N0} changes before each)",
            $"{Mb(at10.MedianRss)} / {Mb(atEnd.MedianRss)} ({(atEnd.MedianRss - at10.MedianRss) * 100.0 / Math.Max(at10.MedianRss, 1):+0.0;-0.0} %)", "within 10 %",
            Verdict(Math.Abs(atEnd.MedianRss - at10.MedianRss) <= at10.MedianRss / 10, "memory grows with the changes made") +
            $" — samples {Mb(at10.LowestRss)}–{Mb(at10.HighestRss)} and {Mb(atEnd.LowestRss)}–{Mb(atEnd.HighestRss)} (each collection saws it); " +
            $"at {at10.Changes:N0}: {Where(at10.Split)}; at {atEnd.Changes:N0}: {Where(atEnd.Split)}. Nothing is kept per token: the lock map holds only tokens with a change in flight"));
        rows.Add(($"  peak RSS over the {cw.Requests:N0} changes", Mb(cw.PeakRssBytes), "≤ 150 MB",
            Verdict(cw.PeakRssBytes <= 150_000_000, "the runtime, ASP.NET Core, the WebJobs SDK and three Azure SDK clients are resident before the first change; the file-backed part " +
                "(the runtime's and assemblies' images) is shared with other .NET processes")));
        rows.Add(($"  same, server GC, after {cs.Requests:N0} changes", $"{Mb(cs.PeakRssBytes)} ({Mb(cs.FinalRssBytes)})", "",
            "server GC keeps a heap per core and collects less often: more memory for throughput"));
        rows.Add(("  throughput of that process, 8 callers: workstation GC / server GC", $"{cw.Requests / cw.Elapsed.TotalSeconds:0} / {cs.Requests / cs.Elapsed.TotalSeconds:0} changes/s", "",
            "the gateway, the simulator, Azurite and the callers share the cores"));

        rows.Add(("503 answers met while measuring (retried; not in the latency figures)", $"{Changes.Unavailable:N0}", "", Changes.Unavailable == 0 ? "" :
            "the gateway failing closed: Azurite did not take an audit record within the audit client's time-out"));

        Console.WriteLine($"Access Token Gateway benchmark — {r.Plan.Name} run, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Machine: {r.Machine}; {Build}; benchmark process on workstation GC");
        Console.WriteLine($"Load average (1 min) at start / end: {r.LoadAtStart} / {r.LoadAtEnd} (anything above 0 is other work sharing the cores)");
        Console.WriteLine();
        var widths = new[] { rows.Max(x => x.Measure.Length), rows.Max(x => x.Figure.Length), rows.Max(x => x.Target.Length), 0 };
        Console.WriteLine($"| {"Measure".PadRight(widths[0])} | {"Figure".PadRight(widths[1])} | {"Target".PadRight(widths[2])} | Met? / why |");
        Console.WriteLine($"| {new string('-', widths[0])} | {new string('-', widths[1])} | {new string('-', widths[2])} | --- |");
        foreach (var (measure, figure, target, verdict) in rows)
            Console.WriteLine($"| {measure.PadRight(widths[0])} | {figure.PadRight(widths[1])} | {target.PadRight(widths[2])} | {verdict} |");
    }

#if DEBUG
    private const string Build = "Debug build: the figures are not representative, run it with -c Release";
#else
    private const string Build = "Release build";
#endif

    private static string Verdict(bool met, string whyNot) => met ? "yes" : "NO — " + whyNot;

    /// <summary>The percentiles (of p50, p95, p99) whose ratio exceeds <paramref name="target"/>, e.g. "p99"; empty when none.</summary>
    private static string Missed((double P50, double P95, double P99) ratios, double target) =>
        string.Join(", ", new[] { ("p50", ratios.P50), ("p95", ratios.P95), ("p99", ratios.P99) }.Where(x => x.Item2 > target).Select(x => x.Item1));
    private static string Ms(double ms) => ms.ToString("0.0", Invariant) + " ms";
    private static string Ms3((double P50, double P95, double P99) s) => $"{s.P50.ToString("0.0", Invariant)} / {s.P95.ToString("0.0", Invariant)} / {s.P99.ToString("0.0", Invariant)} ms";
    private static string Ms0(TimeSpan t) => t.TotalMilliseconds.ToString("N0", Invariant) + " ms";
    private static string S(TimeSpan t) => t.TotalSeconds.ToString("0.0", Invariant) + " s";
    private static string X(double ratio) => ratio.ToString("0.000", Invariant) + "×";
    private static string Pct(double share) => (share * 100).ToString("0.00", Invariant) + " %";
    private static string Where(MemorySplit m) =>
        $"{Mb(m.GcHeap)} in the GC's heap, {Mb(m.OtherAnonymous)} the runtime's other own pages (native heaps, JIT'd code, stacks), {Mb(m.FileBacked)} file-backed images";

    private static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("0", Invariant) + " MB";
}
