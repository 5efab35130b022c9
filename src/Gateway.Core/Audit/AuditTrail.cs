using System.Diagnostics;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Outcomes;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Writes audit records fail-closed: an intent that cannot be written throws, so nothing is sent; an outcome
/// record's fate is returned for the pipeline to decide on, after a few retries when the change was applied.
/// </summary>
public sealed class AuditTrail(IAuditSink sink, IOptions<AuditOptions> options, TimeProvider time)
{
    /// <summary>Writes the record of intent; throws <see cref="DependencyUnavailableException"/> when it cannot.</summary>
    public Task RecordIntentAsync(AuditRecord intent, CancellationToken cancellationToken) => WriteAsync(intent, cancellationToken);

    /// <summary>Writes the outcome record: true when it landed. With <paramref name="retry"/>, tries again with back-off first.</summary>
    public async Task<bool> TryRecordOutcomeAsync(AuditRecord outcome, bool retry, CancellationToken cancellationToken)
    {
        var retries = retry ? options.Value.OutcomeWriteRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await WriteAsync(outcome, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DependencyUnavailableException) when (attempt < retries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), time, cancellationToken).ConfigureAwait(false);
            }
            catch (DependencyUnavailableException)
            {
                return false;
            }
        }
    }

    /// <summary>One write to the sink, in a span carrying the record's ids, timed on <see cref="GatewayMetrics.AuditWrite"/>.</summary>
    private async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        using var span = GatewayActivity.Source.StartActivity("audit write " + record.Kind);
        span?.SetTag(GatewayActivity.AuditIdTag, record.AuditId);
        span?.SetTag(GatewayActivity.CorrelationIdTag, record.CorrelationId);
        var kind = new KeyValuePair<string, object?>("kind", record.Kind);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await sink.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            GatewayMetrics.AuditWrite.Record(GatewayMetrics.ElapsedMs(started), kind, new("result", "ok"));
        }
        catch (Exception ex)
        {
            GatewayMetrics.AuditWrite.Record(GatewayMetrics.ElapsedMs(started), kind, new("result", "failed"));
            GatewayMetrics.AuditWriteFailures.Add(1, kind);
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}
