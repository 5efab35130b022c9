using System.Diagnostics;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// Whether the process itself stalled while a phase ran (and so nothing it did was timely, whatever the gateway
/// decided): a thread of its own, outside the thread pool, that wakes every 10 ms and notes how late it woke; the GC's
/// pauses; and the longest the thread pool's queue grew.
/// </summary>
internal sealed class StallMeter : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private readonly Thread _thread;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _gcPausedBefore = GC.GetTotalPauseDuration();
    private volatile bool _stopped;
    private TimeSpan _longest;
    private TimeSpan _longestAt;
    private long _queuedAtMost;

    public StallMeter()
    {
        _thread = new Thread(Watch) { IsBackground = true, Name = "stall meter" };
        _thread.Start();
    }

    private void Watch()
    {
        while (!_stopped)
        {
            var before = Stopwatch.GetTimestamp();
            Thread.Sleep(Tick);
            var late = Stopwatch.GetElapsedTime(before) - Tick;
            if (late > _longest) (_longest, _longestAt) = (late, Stopwatch.GetElapsedTime(_started) - late);
            _queuedAtMost = Math.Max(_queuedAtMost, ThreadPool.PendingWorkItemCount);
        }
    }

    /// <summary>Stops watching and says what it saw.</summary>
    public string Summary()
    {
        Dispose();
        return $"the process's longest stall {_longest.TotalMilliseconds:0} ms ({_longestAt.TotalSeconds:0.0} s in), " +
               $"GC pauses {(GC.GetTotalPauseDuration() - _gcPausedBefore).TotalMilliseconds:0} ms in all, thread-pool queue up to {_queuedAtMost:N0}";
    }

    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        _thread.Join();
    }
}
