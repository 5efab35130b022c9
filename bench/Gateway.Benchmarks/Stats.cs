namespace AccessTokenGateway.Benchmarks;

/// <summary>Latency samples in milliseconds, summarised by nearest-rank percentiles.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];
    private readonly Lock _gate = new();

    public void Add(double milliseconds)
    {
        lock (_gate) _values.Add(milliseconds);
    }

    public int Count { get { lock (_gate) return _values.Count; } }

    public double Percentile(double p)
    {
        double[] sorted;
        lock (_gate) sorted = [.. _values.Order()];
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public (double P50, double P95, double P99) Summary() => (Percentile(50), Percentile(95), Percentile(99));
}
