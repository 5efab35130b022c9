using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Grants;

/// <summary>
/// Sends revert messages, sealed, to the reverts queue, invisible until <c>due</c> (or the queue's longest delay, when
/// the grant ends later: the message then comes back early and hops on). Throws
/// <see cref="DependencyUnavailableException"/> (<see cref="Dependency.RevertSchedule"/>, or Key Vault for the key).
/// </summary>
public interface IRevertQueue
{
    Task SendAsync(RevertMessage message, DateTimeOffset due, CancellationToken cancellationToken);
}
