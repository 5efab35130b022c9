using System.Diagnostics;
using DatoCmsSimulator;

namespace AccessTokenGateway.Benchmarks;

internal sealed record LatencyResult(TimeSpan Injected, int Workers, Samples Gateway, Samples DirectPut, Samples DirectGetPut, Samples AuditWrites, Samples UpstreamCalls, Samples TokenLock);

/// <summary>
/// The same changes three ways, interleaved so drift hits all alike: through the gateway (which reads the token,
/// writes two audit records and puts), a direct PUT to DatoCMS, and a direct GET then PUT (the gateway's own upstream work).
/// Each worker changes its own token; the simulator's limit is set out of reach, so this measures overhead, not pacing.
/// </summary>
internal static class LatencyPhase
{
    public static async Task<LatencyResult> RunAsync(InProcessGateway gateway, SimulatorServer simulator, TimeSpan injected, int workers, int warmup, int samplesPerKind)
    {
        simulator.State.Faults.SetLatency(injected);
        var result = new LatencyResult(injected, workers, new Samples(), new Samples(), new Samples(), new Samples(), new Samples(), new Samples());
        using var direct = Changes.DirectClient(simulator.BaseUrl);
        var perWorker = (int)Math.Ceiling(samplesPerKind / (double)workers);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => WorkerAsync(w, Seed.BulkTokenIds[w])));
        }
        finally
        {
            gateway.Audit.Recording = null;
            gateway.DatoCms.Recording = null;
            gateway.Locks.Recording = null;
            simulator.State.Faults.SetLatency(TimeSpan.Zero);
        }
        return result;

        async Task WorkerAsync(int worker, string token)
        {
            for (var i = -warmup; i < perWorker; i++)
            {
                var measured = i >= 0;
                if (worker == 0 && i == 0)
                    (gateway.Audit.Recording, gateway.DatoCms.Recording, gateway.Locks.Recording) = (result.AuditWrites, result.UpstreamCalls, result.TokenLock);
                // Rotate the order, so no kind always runs right after another.
                for (var k = 0; k < 3; k++)
                {
                    var name = $"Latency {worker}-{i}-{k}";
                    switch ((i + k + 3) % 3)
                    {
                        case 0:
                            var body = Changes.GatewayBody(simulator, token, name);
                            var t0 = Stopwatch.GetTimestamp();
                            var ok = await Changes.SendAsync(gateway.Client, Changes.GatewayPut(token, body), retryable: true);
                            if (measured && ok) result.Gateway.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                            Interlocked.Increment(ref gateway.ChangesServed);
                            break;
                        case 1:
                            var put = Changes.DirectPut(simulator, token, name);
                            var t1 = Stopwatch.GetTimestamp();
                            await Changes.SendOkAsync(direct, put);
                            if (measured) result.DirectPut.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
                            break;
                        default:
                            var t2 = Stopwatch.GetTimestamp();
                            await Changes.SendOkAsync(direct, Changes.DirectGet(token));
                            await Changes.SendOkAsync(direct, Changes.DirectPut(simulator, token, name));
                            if (measured) result.DirectGetPut.Add(Stopwatch.GetElapsedTime(t2).TotalMilliseconds);
                            break;
                    }
                }
            }
        }
    }
}
