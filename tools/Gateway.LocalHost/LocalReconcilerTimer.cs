using AccessTokenGateway.Functions.Audit;

namespace AccessTokenGateway.LocalHost;

/// <summary>
/// Runs the Functions app's <see cref="ReconcileAuditTrailFunction"/> once a minute, as its <c>[TimerTrigger]</c> does in
/// Azure (one local host, so no lease is needed). A minimal stand-in: a generic runner of the app's timer functions
/// replaces it when there is one. <c>LocalHost:RunTimers=false</c> turns it off.
/// </summary>
internal sealed class LocalReconcilerTimer(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<LocalReconcilerTimer> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Tests drive the reconciler themselves, on a fake clock: a timer of their own host must not race them.
        if (!configuration.GetValue("LocalHost:RunTimers", true)) return;
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await services.GetRequiredService<ReconcileAuditTrailFunction>().Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("ReconcileAuditTrail failed: {ExceptionType}", ex.GetType().FullName);
            }
        }
    }
}
