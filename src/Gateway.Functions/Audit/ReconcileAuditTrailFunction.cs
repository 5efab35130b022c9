using AccessTokenGateway.Audit;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Functions.Audit;

/// <summary>
/// Every minute, settles intents left without an outcome (see <see cref="AuditReconciler"/>). The Functions host runs
/// a timer on one instance at a time (a blob lease), so two instances never reconcile the same intent together.
/// </summary>
public sealed class ReconcileAuditTrailFunction(AuditReconciler reconciler)
{
    public const string Schedule = "0 */1 * * * *";

    [Function("ReconcileAuditTrail")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => reconciler.RunOnceAsync(cancellationToken);
}
