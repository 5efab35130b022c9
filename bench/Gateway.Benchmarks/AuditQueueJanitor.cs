using AccessTokenGateway.Changes;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// Empties the audit queue every two seconds, as a consumer of the audit trail would. Azurite keeps every message of the
/// account in one in-memory collection and scans it on each dequeue: with the tens of thousands of audit records a
/// run writes, the queue listener's every poll would slow down (110 ms per receive at 8,000 messages, measured), which
/// is Azurite's cost, not the gateway's. The benchmark counts outcomes as the gateway writes them instead.
/// </summary>
internal sealed class AuditQueueJanitor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public AuditQueueJanitor(Azurite storage)
    {
        var audit = storage.Queue(QueueNames.Audit);
        _running = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await audit.ClearMessagesAsync(_stop.Token);
                    await Task.Delay(TimeSpan.FromSeconds(2), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
