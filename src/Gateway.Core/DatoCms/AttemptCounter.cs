namespace AccessTokenGateway.DatoCms;

/// <summary>Counts the HTTP attempts the resilience pipeline makes for one call.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("AccessTokenGateway.Attempts");
    private int _count;
    public void Increment() => Interlocked.Increment(ref _count);
    public int Count => Volatile.Read(ref _count);
    public static int Of(HttpRequestMessage request) => Math.Max(1, Sent(request));
    /// <summary>Attempts that actually went to DatoCMS: none when the pacer or an open circuit refused the call.</summary>
    public static int Sent(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var c) ? c.Count : 0;
}
