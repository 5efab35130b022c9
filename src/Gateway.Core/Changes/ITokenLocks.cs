using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>
/// Serialises read-diff-write per token id, so two approved changes to one token never interleave. Held from the
/// read to the end of the write; the wait for it is bounded.
/// </summary>
public interface ITokenLocks
{
    /// <summary>Waits for the token's lock; throws <see cref="DependencyUnavailableException"/> (<see cref="Dependency.TokenLock"/>) when the wait runs out.</summary>
    Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken);
}
