using AccessTokenGateway.Grants;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Grants;

/// <summary>
/// Every 30 seconds, reverts every grant the registry says is due: the net under the revert messages. The Functions
/// host runs one sweep at a time across instances (the timer's singleton lock); two sweeps would still revert a grant once.
/// </summary>
public sealed class GrantSweeperFunction(GrantSweeper sweeper)
{
    public const string Schedule = "*/30 * * * * *";

    [Function("SweepExpiredGrants")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => sweeper.SweepAsync(cancellationToken);
}
