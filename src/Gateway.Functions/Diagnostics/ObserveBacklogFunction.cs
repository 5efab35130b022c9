using AccessTokenGateway.Diagnostics;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Diagnostics;

/// <summary>
/// Once a minute: the change queue's oldest message age, the queues' lengths and the grants in force, as gauges (one
/// peek, two property reads and one registry listing per run, whatever the traffic).
/// </summary>
public sealed class ObserveBacklogFunction(BacklogObserver observer)
{
    public const string Schedule = "0 * * * * *";

    [Function("ObserveBacklog")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => observer.ObserveAsync(cancellationToken);
}
