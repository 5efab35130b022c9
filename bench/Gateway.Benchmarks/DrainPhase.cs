using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Benchmarks;

internal sealed record DrainResult(
    string Who, int Changes, int Limit, TimeSpan Wall, TimeSpan TheoreticalMinimum, int Requests, int RateLimited,
    int Applied, int Lost, int Poisoned, int AuditedApplied, bool Completed)
{
    public double Ratio => Wall / TheoreticalMinimum;
    public double RateLimitedShare => Requests == 0 ? 0 : (double)RateLimited / Requests;
    /// <summary>Audited outcomes other than applied (attempts that failed and were retried), by code.</summary>
    public string OtherOutcomes { get; init; } = "";
    /// <summary>Where the time went, from DatoCMS's side.</summary>
    public string Timeline { get; init; } = "";
}

/// <summary>
/// 1,000 queued changes (each a real rename, spread over the simulator's editable tokens) against a DatoCMS limited to
/// L requests per 3 s. Each change costs two requests (the gateway reads before it writes), so the floor is
/// 2 × changes / L × 3 s. The same changes by a naive client that only waits out 429s make the baseline.
/// </summary>
internal static class DrainPhase
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>The queue listener's most concurrent changes (host.json: batchSize 8 + newBatchThreshold 4); the naive client gets as many.</summary>
    public const int Concurrency = 12;

    public static async Task<DrainResult> ThroughGatewayAsync(InProcessGateway gateway, SimulatorServer simulator, AzuriteProcess storage, int changes, int limit)
    {
        await PrepareAsync(simulator, limit);
        var changeQueue = storage.Queue(QueueNames.Changes);
        var sent = Plan(changes);
        var messages = sent.Select(c => Changes.GatewayBody(simulator, c.Token, c.Name)).ToList();
        var minimum = Window * (2.0 * changes / limit);

        var appliedOutcomes = new ConcurrentDictionary<string, bool>();
        var otherOutcomes = new ConcurrentDictionary<string, int>();
        gateway.Audit.Written = record =>
        {
            if (record.Kind != "outcome") return;
            if (record.Outcome == "applied") appliedOutcomes[record.CorrelationId] = true;
            else otherOutcomes.AddOrUpdate($"{record.Outcome} {record.Error?.Code}", 1, (_, n) => n + 1);
        };

        using var meters = new GatewayMeterReader();   // requests and 429s as the gateway's meter counts them
        var startedAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, ct) => await changeQueue.SendMessageAsync(m, ct));
        Interlocked.Add(ref gateway.ChangesServed, changes);
        var deadline = minimum * 3 + TimeSpan.FromSeconds(60);
        var completed = false;
        while (Stopwatch.GetElapsedTime(started) < deadline)
        {
            // Cheap on purpose (no parsing): the benchmark shares the machine's two cores with what it measures.
            if (simulator.State.Requests.Count(r => r.Method == "PUT" && r.Status == 200) >= changes) { completed = true; break; }
            await Task.Delay(100);
        }
        var wall = Stopwatch.GetElapsedTime(started);
        if (!completed) await Task.Delay(TimeSpan.FromSeconds(10));   // let anything in flight land before counting

        var applied = AppliedNames(simulator).Intersect(sent.Select(c => c.Name)).Count();
        var poisoned = (int)(await storage.Queue(QueueNames.ChangesPoison).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        gateway.Audit.Written = null;
        var requests = simulator.State.Requests;
        return new DrainResult("gateway (queue path)", changes, limit, wall, minimum, meters.Requests, meters.RateLimited,
            applied, changes - applied - poisoned, poisoned, appliedOutcomes.Count, completed)
        {
            OtherOutcomes = string.Join(", ", otherOutcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} ×{o.Value}")),
            Timeline = Timeline(requests, startedAt, limit),
        };
    }

    public static async Task<DrainResult> NaiveAsync(SimulatorServer simulator, int changes, int limit)
    {
        await PrepareAsync(simulator, limit);
        var sent = Plan(changes);
        var work = new ConcurrentQueue<(string Token, string Name)>(sent);
        var minimum = Window * (2.0 * changes / limit);
        using var client = Changes.DirectClient(simulator.BaseUrl);

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (work.TryDequeue(out var change))
            {
                await SendWaitingOut429Async(() => Changes.DirectGet(change.Token));
                await SendWaitingOut429Async(() => Changes.DirectPut(simulator, change.Token, change.Name));
            }
        }));
        var wall = Stopwatch.GetElapsedTime(started);

        var applied = AppliedNames(simulator).Intersect(sent.Select(c => c.Name)).Count();
        var requests = simulator.State.Requests;
        return new DrainResult("naive client (waits out 429s)", changes, limit, wall, minimum, requests.Count, requests.Count(r => r.Status == 429),
            applied, changes - applied, 0, 0, applied == changes);

        async Task SendWaitingOut429Async(Func<HttpRequestMessage> request)
        {
            while (true)
            {
                using var response = await client.SendAsync(request());
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    response.EnsureSuccessStatusCode();
                    return;
                }
                var reset = response.Headers.TryGetValues("X-RateLimit-Reset", out var values) && int.TryParse(values.First(), out var s) ? s : 3;
                await Task.Delay(TimeSpan.FromSeconds(reset));
            }
        }
    }

    /// <summary>A fresh DatoCMS (seed data, empty request log, a new window) limited to <paramref name="limit"/> per 3 s.</summary>
    /// <remarks>
    /// The queues are not emptied: the drain runs first on a fresh Azurite. Azurite sweeps deleted messages every
    /// minute in time quadratic in their number, and stalls for tens of seconds after a mass delete (measured), which
    /// would be Azurite's cost, not the gateway's.
    /// </remarks>
    private static async Task PrepareAsync(SimulatorServer simulator, int limit)
    {
        simulator.State.Options.RateLimitPerWindow = limit;
        simulator.State.Options.RateLimitWindow = Window;
        simulator.State.Reset();
        // The burst arrives at a quiet gateway: the last window of the phase before has passed.
        await Task.Delay(Window);
    }

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
        var first = requests.Min(r => r.ReceivedAt);
        var last = requests.Max(r => r.ReceivedAt);
        return $"first request {(first - startedAt).TotalSeconds:0.0} s after the first enqueue; {windows.Count} windows " +
               $"({windows.Count(w => w.Count == limit)} full, the emptiest {windows.Min(w => w.Count)}); " +
               $"idle between windows {gaps.Average():0} ms on average, {gaps.Max():0} ms at most (the longest likely Azurite's once-a-minute sweep of deleted messages, seen to stall it for seconds; other work shares the cores); " +
               $"last window {(last - windows[^1].Start).TotalSeconds:0.0} s";
    }

    private static List<(string Token, string Name)> Plan(int changes) =>
        [.. Enumerable.Range(0, changes).Select(i => (Seed.EditableTokenIds[i % Seed.EditableTokenIds.Count], $"Drain {i:0000}"))];

    private static IEnumerable<string> AppliedNames(SimulatorServer simulator) =>
        simulator.State.Requests.Where(r => r.Method == "PUT" && r.Status == 200)
            .Select(r => (string?)JsonNode.Parse(r.Body)?["data"]?["attributes"]?["name"] ?? "");
}
