using System.Diagnostics;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// Whether the storage emulator itself froze while a phase ran: a loop of its own that asks Azurite for the change
/// queue's properties (no message read or written) every 100 ms and notes its slowest answer. Azurite answers every
/// service on one Node.js thread, so a freeze this probe sees held every request of the phase, the gateway's audit
/// writes with them: in memory, its queue sweep does that for seconds (see <see cref="AzuriteProcess.StartAsync"/>).
/// </summary>
internal sealed class StorageProbe : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);
    private readonly QueueClient _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Task _loop;
    private TimeSpan _slowest;
    private TimeSpan _slowestAt;

    public StorageProbe(QueueClient queue)
    {
        _queue = queue;
        _loop = Task.Run(LoopAsync);
    }

    public static StorageProbe Of(AzuriteProcess storage) => new(storage.Queue(QueueNames.Changes));

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var asked = Stopwatch.GetTimestamp();
            try { await _queue.GetPropertiesAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            var took = Stopwatch.GetElapsedTime(asked);
            if (took > _slowest) (_slowest, _slowestAt) = (took, Stopwatch.GetElapsedTime(_started) - took);
            try { await Task.Delay(Every, _stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Stops probing and says what it saw.</summary>
    public async Task<string> SummaryAsync()
    {
        await DisposeAsync();
        return $"Azurite's slowest answer to a probe every {Every.TotalMilliseconds:0} ms {_slowest.TotalMilliseconds:0} ms ({_slowestAt.TotalSeconds:0.0} s in)";
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
