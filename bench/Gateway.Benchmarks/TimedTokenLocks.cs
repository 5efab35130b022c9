using System.Diagnostics;
using AccessTokenGateway.Changes;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// The gateway's per-token lock, timed: acquiring it, per change. (Its release runs while the outcome record is written,
/// so it adds to a change only when it takes longer than that write.)
/// </summary>
internal sealed class TimedTokenLocks(ITokenLocks inner) : ITokenLocks
{
    public Samples? Recording { get; set; }

    public async Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var held = await inner.AcquireAsync(tokenId, cancellationToken);
        Recording?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return held;
    }
}
