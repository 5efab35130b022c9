using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Storage;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Health;

/// <summary>
/// Whether this instance can do its work: Key Vault (the CMA token from the secret source, i.e. from its cache while
/// that is fresh: no read beyond what changes cause), storage (one property read of the change queue, and of the audit
/// feed when it has an account of its own: changes fail closed without it) and DatoCMS
/// (a recent answer to any call is evidence enough; otherwise one unauthenticated probe through the same pacer).
/// The report is kept for <see cref="HealthOptions.CacheDuration"/> and computed by one caller at a time, so polls,
/// however many, cannot amplify into load on the vault or DatoCMS's rate limit.
/// </summary>
public sealed class GatewayHealth(
    [FromKeyedServices(SecretsServiceCollectionExtensions.CmaToken)] ISecretSource cmaToken,
    QueueServiceClient queues,
    [FromKeyedServices(StorageAccount.AuditFeed)] QueueServiceClient feed,
    DatoCmsProbe datoCms,
    DatoCmsAnswers answers,
    IOptions<HealthOptions> options,
    TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Cached? _last;

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached) return cached;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } checkedMeanwhile) return checkedMeanwhile;
            var keyVault = TimedAsync(async ct => { await cmaToken.GetAsync(ct).ConfigureAwait(false); return true; }, cancellationToken);
            var storage = TimedAsync(async ct =>
            {
                await Task.WhenAll(
                    queues.GetQueueClient(QueueNames.Changes).GetPropertiesAsync(ct),
                    ReferenceEquals(feed, queues) ? Task.CompletedTask : feed.GetQueueClient(QueueNames.Audit).GetPropertiesAsync(ct)).ConfigureAwait(false);
                return true;
            }, cancellationToken);
            var datoCmsUp = answers.AnsweredWithin(options.Value.DatoCmsEvidence)
                ? Task.FromResult(new DependencyHealth(true, 0))
                : TimedAsync(datoCms.ReachableAsync, cancellationToken);
            var report = new HealthReport(await keyVault.ConfigureAwait(false), await storage.ConfigureAwait(false), await datoCmsUp.ConfigureAwait(false));
            _last = new Cached(report, time.GetUtcNow() + options.Value.CacheDuration);
            return report;
        }
        finally
        {
            _gate.Release();
        }
    }

    private HealthReport? Fresh() => _last is { } last && time.GetUtcNow() < last.Until ? last.Report : null;

    /// <summary>Runs one check within <see cref="HealthOptions.CheckTimeout"/>; any failure is "down", its reason not repeated.</summary>
    private async Task<DependencyHealth> TimedAsync(Func<CancellationToken, Task<bool>> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CheckTimeout);
        bool up;
        try
        {
            up = await check(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            up = false;
        }
        return new DependencyHealth(up, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private sealed record Cached(HealthReport Report, DateTimeOffset Until);
}
