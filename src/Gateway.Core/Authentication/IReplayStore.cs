using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Authentication;

/// <summary>Signatures already used, shared by every instance of the gateway so a replay to another instance is caught too.</summary>
public interface IReplayStore
{
    /// <summary>
    /// Records <paramref name="key"/> if it is not already recorded (or only by an entry past its expiry). True when
    /// this call recorded it: the first use. False when it was already there: a replay.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">(<see cref="Dependency.ReplayStore"/>) The store could not be reached; nothing can be said.</exception>
    Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
