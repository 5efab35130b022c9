using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>Schedules reverts of expiring grants; throws <see cref="DependencyUnavailableException"/> (<see cref="Dependency.RevertSchedule"/>) when it cannot.</summary>
public interface IRevertScheduler
{
    Task ScheduleAsync(RevertRequest revert, CancellationToken cancellationToken);
}
