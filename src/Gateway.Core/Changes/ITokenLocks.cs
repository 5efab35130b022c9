namespace AccessTokenGateway.Changes;

/// <summary>
/// Serialises read-diff-write per token id, so two approved changes to one token never interleave. Held from the
/// read to the end of the write; the wait for it is bounded.
/// </summary>
public interface ITokenLocks
{
    /// <summary>Waits for the token's lock; throws <see cref="TokenLockTimeoutException"/> when the wait runs out.</summary>
    Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken);
}

public sealed class TokenLockTimeoutException(string tokenId) : Exception($"Another change to token {tokenId} held its lock too long.");

/// <summary>Locks within one process. Enough for a single instance; several instances need <c>BlobTokenLocks</c>.</summary>
public sealed class InProcessTokenLocks(TimeSpan maxWait) : ITokenLocks
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(tokenId, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false)) throw new TokenLockTimeoutException(tokenId);
        return new Releaser(gate);
    }

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
