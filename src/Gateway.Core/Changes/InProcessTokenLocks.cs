using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>
/// Locks within one process. Enough for a single instance; several instances need <c>BlobTokenLocks</c>. A token's
/// gate exists only while someone holds or waits for it, so the map stays as small as the changes in flight, however
/// many tokens the instance has ever seen.
/// </summary>
public sealed class InProcessTokenLocks(TimeSpan maxWait) : ITokenLocks
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly Lock _map = new();

    /// <summary>Tokens with a holder or a waiter now (for tests and the benchmark).</summary>
    public int Count
    {
        get { lock (_map) return _gates.Count; }
    }

    public async Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_map)
        {
            if (!_gates.TryGetValue(tokenId, out gate!)) _gates[tokenId] = gate = new Gate();
            gate.Users++;
        }
        try
        {
            if (await gate.Semaphore.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false)) return new Releaser(this, tokenId, gate);
        }
        catch
        {
            Leave(tokenId, gate);
            throw;
        }
        Leave(tokenId, gate);
        throw TokenBusy(tokenId);
    }

    /// <summary>What a lock that could not be had in time says.</summary>
    internal static DependencyUnavailableException TokenBusy(string tokenId) =>
        new(Dependency.TokenLock, $"Another change to token {tokenId} held its lock too long.");

    private void Leave(string tokenId, Gate gate)
    {
        lock (_map)
        {
            if (--gate.Users == 0) _gates.Remove(tokenId);
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);
        /// <summary>Holders and waiters; guarded by the map's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Releaser(InProcessTokenLocks locks, string tokenId, Gate gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Semaphore.Release();
                locks.Leave(tokenId, gate);
            }
            return ValueTask.CompletedTask;
        }
    }
}
