using System.Collections.Concurrent;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>Locks within one process. Enough for a single instance; several instances need <c>BlobTokenLocks</c>.</summary>
public sealed class InProcessTokenLocks(TimeSpan maxWait) : ITokenLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(tokenId, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false)) throw TokenBusy(tokenId);
        return new Releaser(gate);
    }

    /// <summary>What a lock that could not be had in time says.</summary>
    internal static DependencyUnavailableException TokenBusy(string tokenId) =>
        new(Dependency.TokenLock, $"Another change to token {tokenId} held its lock too long.");

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;
        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
