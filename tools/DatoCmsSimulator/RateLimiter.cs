namespace DatoCmsSimulator;

/// <summary>Fixed-window limiter per API token, on the injected clock.</summary>
internal sealed class RateLimiter(SimulatorOptions options, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> windows = new(StringComparer.Ordinal);

    internal readonly record struct Decision(bool Allowed, int Limit, int Remaining, int ResetSeconds);

    public Decision Hit(string apiToken)
    {
        var limit = options.RateLimitPerWindow;
        var window = options.RateLimitWindow;
        if (window <= TimeSpan.Zero) window = TimeSpan.FromSeconds(1);
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!windows.TryGetValue(apiToken, out var w) || now >= w.Start + window || now < w.Start)
            {
                w = (now, 0);
            }
            w.Count++;
            windows[apiToken] = w;
            var reset = (int)Math.Ceiling((w.Start + window - now).TotalSeconds);
            if (reset < 1) reset = 1;
            return w.Count > limit
                ? new Decision(false, limit, 0, reset)
                : new Decision(true, limit, limit - w.Count, reset);
        }
    }

    public void Reset()
    {
        lock (gate) { windows.Clear(); }
    }
}
