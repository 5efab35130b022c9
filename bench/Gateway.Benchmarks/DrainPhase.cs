using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Benchmarks;

internal sealed record DrainResult(
    string Who, int Changes, int Limit, TimeSpan Wall, TimeSpan Floor, int Requests, int Puts, int RateLimited,
    int Applied, int Lost, int Poisoned, int AuditedApplied, bool Completed)
{
    public double Ratio => Wall / Floor;
    public double RequestsPerChange => (double)Requests / Changes;
    public double PutShare => Requests == 0 ? 0 : (double)Puts / Requests;
    public double RateLimitedShare => Requests == 0 ? 0 : (double)RateLimited / Requests;
    /// <summary>Audited outcomes other than applied (attempts that failed and were retried), by code.</summary>
    public string OtherOutcomes { get; init; } = "";
    /// <summary>Where the time went, from DatoCMS's side.</summary>
    public string Timeline { get; init; } = "";
    /// <summary>DatoCMS's requests by kind: single reads, lists, PUTs.</summary>
    public string Mix { get; init; } = "";
    /// <summary>Where else the time could have gone: the benchmark's own process (<see cref="StallMeter"/>) and storage's latency.</summary>
    public string Stalls { get; init; } = "";
}

/// <summary>
/// Changes against a DatoCMS limited to L requests per 3 s, measured against the real floor: one request per change that
/// needs a PUT, so N changes take at least N × 3 s ÷ L. Through the gateway (queued, or over HTTP to one token), and by
/// the official DatoCMS client sending the same PUTs straight to DatoCMS, 20 in flight, waiting out 429s as it does.
/// </summary>
internal static class DrainPhase
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>The official client's updates in flight (the anchor the issue measured).</summary>
    public const int ClientInFlight = 20;

    /// <summary>The first id of the tokens the drains change, one token per change ("10000", "10001", …).</summary>
    private const int FirstTokenId = 10_000;

    public static async Task<DrainResult> ThroughGatewayAsync(InProcessGateway gateway, SimulatorServer simulator, AzuriteProcess storage, int changes, int limit)
    {
        var sent = await PrepareAsync(simulator, limit, DistinctTokens(changes));
        var changeQueue = storage.Queue(QueueNames.Changes);
        var messages = sent.Select(c => Changes.GatewayBody(simulator, c.Token, c.Name)).ToList();
        var floor = Floor(changes, limit);

        var appliedOutcomes = new ConcurrentDictionary<string, bool>();
        var otherOutcomes = new ConcurrentDictionary<string, int>();
        gateway.Audit.Written = record =>
        {
            if (record.Kind != "outcome") return;
            if (record.Outcome == "applied") appliedOutcomes[record.CorrelationId] = true;
            else otherOutcomes.AddOrUpdate($"{record.Outcome} {record.Error?.Code}", 1, (_, n) => n + 1);
        };

        using var meters = new GatewayMeterReader();   // requests and 429s as the gateway's meter counts them
        using var stalls = new StallMeter();
        await using var probe = StorageProbe.Of(storage);
        var (auditWrites, leases) = (new Samples(), new Samples());
        (gateway.Audit.Recording, gateway.Locks.Recording) = (auditWrites, leases);
        var startedAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, ct) => await changeQueue.SendMessageAsync(m, ct));
        Interlocked.Add(ref gateway.ChangesServed, changes);
        var completed = await UntilAppliedAsync(simulator, changes, floor * 3 + TimeSpan.FromSeconds(60));
        var wall = Stopwatch.GetElapsedTime(started);
        (gateway.Audit.Recording, gateway.Locks.Recording) = (null, null);
        var stalled = $"{stalls.Summary()}; storage: {Spread(auditWrites)} per audit write, {Spread(leases)} per token lease; {await probe.SummaryAsync()}";
        if (!completed) await Task.Delay(TimeSpan.FromSeconds(10));   // let anything in flight land before counting

        var applied = AppliedNames(simulator).Intersect(sent.Select(c => c.Name)).Count();
        var poisoned = (int)(await storage.Queue(QueueNames.ChangesPoison).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        gateway.Audit.Written = null;
        // Requests and 429s as the gateway's meter counts them (an operator's dashboard); the mix as DatoCMS saw it.
        return Result("gateway (queue path)", simulator, changes, limit, wall, floor, applied, changes - applied - poisoned, poisoned, appliedOutcomes.Count, completed) with
        {
            Requests = meters.Requests,
            RateLimited = meters.RateLimited,
            OtherOutcomes = string.Join(", ", otherOutcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} ×{o.Value}")),
            Timeline = Timeline(simulator.State.Requests, startedAt, limit),
            Stalls = stalled,
        };
    }

    /// <summary><paramref name="changes"/> updates of one token over HTTP, <paramref name="inFlight"/> callers at once.</summary>
    public static async Task<DrainResult> OneTokenThroughGatewayAsync(InProcessGateway gateway, SimulatorServer simulator, int changes, int limit, int inFlight)
    {
        var sent = await PrepareAsync(simulator, limit, OneToken(changes));
        var work = new ConcurrentQueue<(string Token, string Name)>(sent);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (work.TryDequeue(out var change))
            {
                while (!await Changes.SendAsync(gateway.Client, Changes.GatewayPut(change.Token, Changes.GatewayBody(simulator, change.Token, change.Name)), retryable: true))
                    await Task.Delay(100);
            }
        }));
        var wall = Stopwatch.GetElapsedTime(started);
        Interlocked.Add(ref gateway.ChangesServed, changes);
        var applied = AppliedNames(simulator).Intersect(sent.Select(c => c.Name)).Count();
        return Result("gateway (HTTP, one token)", simulator, changes, limit, wall, Floor(changes, limit), applied, changes - applied, 0, applied, applied == changes);
    }

    /// <summary>The official client: the same changes' PUTs straight to DatoCMS, 20 in flight; no read, no pacing, 429s waited out.</summary>
    public static Task<DrainResult> OfficialClientAsync(SimulatorServer simulator, int changes, int limit, bool oneToken = false) =>
        OfficialClientAsync(simulator, changes, limit, oneToken ? OneToken(changes) : DistinctTokens(changes), oneToken ? "official client (one token)" : "official client");

    private static async Task<DrainResult> OfficialClientAsync(SimulatorServer simulator, int changes, int limit, List<(string Token, string Name)> plan, string who)
    {
        var sent = await PrepareAsync(simulator, limit, plan);
        var input = new JsonArray([.. sent.Select(c =>
        {
            var state = Changes.StateFor(simulator, c.Token, c.Name);
            return (JsonNode)new JsonObject
            {
                ["id"] = c.Token, ["name"] = c.Name, ["can_access_cda"] = state.CanAccessCda, ["can_access_cda_preview"] = state.CanAccessCdaPreview,
                ["can_access_cma"] = state.CanAccessCma, ["role_id"] = state.RoleId,
            };
        })]);
        var script = Path.Combine(RepoPaths.Root, "bench", "Gateway.Benchmarks", "official-client-drain.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, simulator.BaseUrl.ToString(), Changes.CmaToken, ClientInFlight.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var errors = node.StandardError.ReadToEndAsync();
        await node.StandardInput.WriteAsync(input.ToJsonString());
        node.StandardInput.Close();
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0 || JsonNode.Parse(output) is not JsonObject summary)
            throw new InvalidOperationException($"The official client's drain failed ({node.ExitCode}): {output} {await errors}");
        var wall = TimeSpan.FromMilliseconds(summary["wall_ms"]!.GetValue<double>());
        var applied = AppliedNames(simulator).Intersect(sent.Select(c => c.Name)).Count();
        return Result(who, simulator, changes, limit, wall, Floor(changes, limit), applied, changes - applied, 0, 0, applied == changes);
    }

    private static string Spread(Samples samples) =>
        $"p50 {samples.Percentile(50):0} / p99 {samples.Percentile(99):0} / max {samples.Percentile(100):0} ms";

    private static TimeSpan Floor(int changes, int limit) => Window * ((double)changes / limit);

    private static DrainResult Result(string who, SimulatorServer simulator, int changes, int limit, TimeSpan wall, TimeSpan floor,
        int applied, int lost, int poisoned, int audited, bool completed)
    {
        var requests = simulator.State.Requests;
        var lists = requests.Count(r => r.Method == "GET" && r.Path.TrimEnd('/') == "/access_tokens");
        var gets = requests.Count(r => r.Method == "GET") - lists;
        return new DrainResult(who, changes, limit, wall, floor, requests.Count, requests.Count(r => r.Method == "PUT"), requests.Count(r => r.Status == 429),
            applied, lost, poisoned, audited, completed)
        {
            Mix = $"{requests.Count(r => r.Method == "PUT"):N0} PUTs, {lists:N0} lists, {gets:N0} single GETs",
        };
    }

    private static async Task<bool> UntilAppliedAsync(SimulatorServer simulator, int changes, TimeSpan deadline)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < deadline)
        {
            // Cheap on purpose (no parsing): the benchmark shares the machine's two cores with what it measures.
            if (simulator.State.Requests.Count(r => r.Method == "PUT" && r.Status == 200) >= changes) return true;
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>
    /// A fresh DatoCMS (seed data and the tokens the plan changes, an empty request log, a new window) limited to
    /// <paramref name="limit"/> per 3 s; the burst arrives at a quiet gateway, once the last window of the phase before has passed.
    /// </summary>
    private static async Task<List<(string Token, string Name)>> PrepareAsync(SimulatorServer simulator, int limit, List<(string Token, string Name)> plan)
    {
        simulator.State.Options.RateLimitPerWindow = limit;
        simulator.State.Options.RateLimitWindow = Window;
        simulator.State.Reset();
        AddTokens(simulator, plan.Select(c => c.Token).Distinct());
        await Task.Delay(Window);
        return plan;
    }

    /// <summary>Editable tokens with these ids (role Viewer), beside the seed's.</summary>
    public static void AddTokens(SimulatorServer simulator, IEnumerable<string> ids)
    {
        foreach (var id in ids)
            if (simulator.State.GetToken(id) is null)
                simulator.State.SetToken(new AccessTokenState(id, "Drain token " + id, Seed.SecretFor(id), null, true, false, false, Seed.ViewerRoleId));
    }

    /// <summary>Ids of <paramref name="count"/> distinct editable tokens the drains add to DatoCMS.</summary>
    public static IReadOnlyList<string> TokenIds(int count) =>
        [.. Enumerable.Range(FirstTokenId, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static List<(string Token, string Name)> DistinctTokens(int changes) =>
        [.. TokenIds(changes).Select((id, i) => (id, $"Drain {i:0000}"))];

    private static List<(string Token, string Name)> OneToken(int changes) =>
        [.. Enumerable.Range(0, changes).Select(i => (Seed.EditableTokenId, $"One token {i:0000}"))];

    /// <summary>
    /// DatoCMS's view of the drain: the wait before its first request, its fixed windows (as the simulator counts
    /// them) and how full they were, and the time from the last window's start to the last request.
    /// </summary>
    private static string Timeline(IReadOnlyList<RecordedRequest> requests, DateTimeOffset startedAt, int limit)
    {
        if (requests.Count == 0) return "no requests";
        var windows = new List<(DateTimeOffset Start, int Count)>();
        foreach (var r in requests.OrderBy(r => r.ReceivedAt))
        {
            if (windows.Count == 0 || r.ReceivedAt >= windows[^1].Start + Window) windows.Add((r.ReceivedAt, 0));
            windows[^1] = (windows[^1].Start, windows[^1].Count + 1);
        }
        var gaps = windows.Zip(windows.Skip(1), (a, b) => (b.Start - a.Start - Window).TotalMilliseconds).DefaultIfEmpty(0).ToList();
        var ordered = requests.OrderBy(r => r.ReceivedAt).ToList();
        var pause = ordered.Zip(ordered.Skip(1), (a, b) => (Gap: b.ReceivedAt - a.ReceivedAt, Before: a, After: b)).DefaultIfEmpty().MaxBy(p => p.Gap);
        static string Kind(RecordedRequest? r) => r is null ? "none" : r.Method + (r.Path.TrimEnd('/') == "/access_tokens" ? " list" : " one");
        var first = requests.Min(r => r.ReceivedAt);
        var last = requests.Max(r => r.ReceivedAt);
        return $"first request {(first - startedAt).TotalSeconds:0.0} s after the first enqueue; {windows.Count} windows " +
               $"({windows.Count(w => w.Count == limit)} full, the emptiest {windows.Min(w => w.Count)}); " +
               $"idle between windows {gaps.Average():0} ms on average, {gaps.Max():0} ms at most; " +
               $"last window {(last - windows[^1].Start).TotalSeconds:0.0} s; longest pause between requests {pause.Gap.TotalMilliseconds:0} ms " +
               $"({Kind(pause.Before)}, then {Kind(pause.After)}, {(pause.Before is null ? 0 : (pause.Before.ReceivedAt - first).TotalSeconds):0.0} s in); " +
               $"requests per window {string.Join(" ", windows.Select(w => w.Count))}";
    }

    private static IEnumerable<string> AppliedNames(SimulatorServer simulator) =>
        simulator.State.Requests.Where(r => r.Method == "PUT" && r.Status == 200)
            .Select(r => (string?)JsonNode.Parse(r.Body)?["data"]?["attributes"]?["name"] ?? "");
}
