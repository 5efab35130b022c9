using System.Diagnostics;
using AccessTokenGateway.Audit;

namespace AccessTokenGateway.Benchmarks;

/// <summary>The real audit sink, timed (how much of a change's latency the two audit writes take) and watched (which outcomes were recorded).</summary>
internal sealed class TimedAuditSink(IAuditSink inner) : IAuditSink
{
    public Samples? Recording { get; set; }
    /// <summary>Called with every record the queue accepted.</summary>
    public Action<AuditRecord>? Written { get; set; }

    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await inner.WriteAsync(record, cancellationToken);
        Recording?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        Written?.Invoke(record);
    }
}
