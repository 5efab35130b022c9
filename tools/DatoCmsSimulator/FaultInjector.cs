namespace DatoCmsSimulator;

public enum FaultKind { Latency, ServerError, TransientError, HtmlBadGateway, DropConnection, RateLimitStorm }

/// <summary>
/// A fault for API requests matching <see cref="Method"/> (case-insensitive) and <see cref="PathPrefix"/> (ordinal, case-insensitive),
/// both optional. <see cref="Delay"/> is waited before the fault acts (for <see cref="FaultKind.Latency"/> it defaults to 500 ms and the
/// request is then handled normally). <see cref="StatusCode"/> applies to ServerError/TransientError (and HtmlBadGateway when not 500,
/// which otherwise sends 502). <see cref="ResetSeconds"/> is the X-RateLimit-Reset of a RateLimitStorm. <see cref="Code"/> is the
/// error code of a ServerError/TransientError (e.g. <c>MAINTENANCE_MODE</c>); without one, DatoCMS's code for the status.
/// </summary>
public sealed record Fault(
    FaultKind Kind,
    int Count = 1,
    int StatusCode = 500,
    TimeSpan? Delay = null,
    int ResetSeconds = 3,
    string? Method = null,
    string? PathPrefix = null,
    string? Code = null)
{
    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (PathPrefix is null || path.StartsWith(PathPrefix, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Run-time switchable faults. Thread-safe.</summary>
public sealed class FaultInjector
{
    private readonly Lock gate = new();
    private readonly List<(Fault Fault, int Remaining)> queue = [];
    private Fault? persistent;
    private TimeSpan latency;
    private volatile bool any;

    /// <summary>Queues a one-shot fault for the next <see cref="Fault.Count"/> matching API requests (faults queue in order).</summary>
    public void Add(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Count, 1);
        lock (gate)
        {
            queue.Add((fault, fault.Count));
            Refresh();
        }
    }

    /// <summary>Persistent latency added before every API request (TimeSpan.Zero = none).</summary>
    public void SetLatency(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (gate)
        {
            latency = delay;
            Refresh();
        }
    }

    /// <summary>A fault applied to every matching API request (Count ignored) until replaced, set to null or cleared.</summary>
    public void SetPersistent(Fault? fault)
    {
        lock (gate)
        {
            persistent = fault;
            Refresh();
        }
    }

    /// <summary>Removes queued faults, the persistent fault and the persistent latency.</summary>
    public void Clear()
    {
        lock (gate)
        {
            queue.Clear();
            persistent = null;
            latency = TimeSpan.Zero;
            Refresh();
        }
    }

    public TimeSpan Latency { get { lock (gate) { return latency; } } }
    public Fault? Persistent { get { lock (gate) { return persistent; } } }

    /// <summary>Number of one-shot fault applications still queued.</summary>
    public int Pending { get { lock (gate) { return queue.Sum(q => q.Remaining); } } }

    /// <summary>Takes the fault for this request: the first matching queued fault, else the persistent one when it matches.</summary>
    internal (TimeSpan Latency, Fault? Fault) Take(string method, string path)
    {
        if (!any) return (TimeSpan.Zero, null);
        lock (gate)
        {
            for (var i = 0; i < queue.Count; i++)
            {
                var (fault, remaining) = queue[i];
                if (!fault.Matches(method, path)) continue;
                if (remaining <= 1) queue.RemoveAt(i);
                else queue[i] = (fault, remaining - 1);
                Refresh();
                return (latency, fault);
            }
            return (latency, persistent is not null && persistent.Matches(method, path) ? persistent : null);
        }
    }

    private void Refresh() => any = queue.Count > 0 || persistent is not null || latency > TimeSpan.Zero;
}
