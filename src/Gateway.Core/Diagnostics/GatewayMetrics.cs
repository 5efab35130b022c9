using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccessTokenGateway.Diagnostics;

/// <summary>
/// The one home of the gateway's instruments: the meter <c>AccessTokenGateway</c>, recorded by the components that see
/// each fact (the pipeline, the DatoCMS handlers and pacer, the secret cache, the token locks, the audit trail, the
/// grants) and exported by the host (OpenTelemetry to Azure Monitor, or a console / OTLP exporter locally; or read with
/// <c>dotnet-counters monitor --counters AccessTokenGateway</c>). No tag carries a token id, an audit id or a secret:
/// tags are small closed sets, so the metrics stay cheap.
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "AccessTokenGateway";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Changes by <c>outcome</c>, <c>source</c> (http, queue, schedule) and <c>code</c> (the error code, or none).</summary>
    public static readonly Counter<long> Changes = Meter.CreateCounter<long>("gateway.changes", "{change}", "Changes by outcome, source and error code.");

    /// <summary>HTTP attempts sent to DatoCMS by <c>method</c> and <c>status</c> (0: no answer).</summary>
    public static readonly Counter<long> DatoCmsRequests = Meter.CreateCounter<long>("gateway.datocms.requests", "{request}", "HTTP attempts sent to DatoCMS, by method and status.");

    /// <summary>DatoCMS's 429 answers.</summary>
    public static readonly Counter<long> DatoCmsRateLimited = Meter.CreateCounter<long>("gateway.datocms.rate_limited", "{request}", "429 answers from DatoCMS.");

    /// <summary>How long each attempt waited for its slot in DatoCMS's rate-limit window.</summary>
    public static readonly Histogram<double> PacerWait = Meter.CreateHistogram<double>("gateway.datocms.pacer.wait", "ms", "Time an attempt waited for the pacer.");

    /// <summary>Requests the pacer's model of DatoCMS's current window has left.</summary>
    public static readonly Gauge<int> PacerRemaining = Meter.CreateGauge<int>("gateway.datocms.pacer.remaining", "{request}", "Requests left in DatoCMS's current rate-limit window, as the pacer models it.");

    /// <summary>Key Vault reads (not cache hits) by <c>result</c> (ok, failed).</summary>
    public static readonly Counter<long> KeyVaultReads = Meter.CreateCounter<long>("gateway.keyvault.reads", "{read}", "Key Vault secret reads, by result.");

    /// <summary>Time spent waiting for a token's lock, by <c>result</c> (acquired, busy, failed).</summary>
    public static readonly Histogram<double> LockWait = Meter.CreateHistogram<double>("gateway.lock.wait", "ms", "Time waited for a token's lock, by result.");

    /// <summary>Audit record writes by <c>kind</c> (intent, outcome, ...) and <c>result</c> (ok, failed).</summary>
    public static readonly Histogram<double> AuditWrite = Meter.CreateHistogram<double>("gateway.audit.write", "ms", "Audit record write latency, by kind and result.");

    /// <summary>Audit writes that failed (each attempt), by <c>kind</c>.</summary>
    public static readonly Counter<long> AuditWriteFailures = Meter.CreateCounter<long>("gateway.audit.write.failures", "{write}", "Failed audit record writes, by kind.");

    /// <summary>Grants in force by <c>status</c> (active, overdue), as the last observation read the registry.</summary>
    public static readonly Gauge<int> Grants = Meter.CreateGauge<int>("gateway.grants", "{grant}", "Grants in the registry, by status (active, overdue).");

    /// <summary>Grants ended by a revert.</summary>
    public static readonly Counter<long> GrantsReverted = Meter.CreateCounter<long>("gateway.grants.reverted", "{grant}", "Grants ended by a revert.");

    /// <summary>Age of the oldest visible message on a <c>queue</c>; 0 when it is empty.</summary>
    public static readonly Gauge<double> QueueOldestMessageAge = Meter.CreateGauge<double>("gateway.queue.oldest_message_age", "s", "Age of the oldest visible message, by queue.");

    /// <summary>Approximate number of messages on a <c>queue</c>.</summary>
    public static readonly Gauge<long> QueueLength = Meter.CreateGauge<long>("gateway.queue.length", "{message}", "Approximate messages on a queue.");

    /// <summary>Milliseconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static double ElapsedMs(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
