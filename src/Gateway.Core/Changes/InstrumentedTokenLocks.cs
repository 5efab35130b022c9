using System.Diagnostics;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Changes;

/// <summary>Any <see cref="ITokenLocks"/>, with a span around each wait and the wait's time on <see cref="GatewayMetrics.LockWait"/>.</summary>
public sealed class InstrumentedTokenLocks(ITokenLocks inner) : ITokenLocks
{
    public async Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken)
    {
        using var span = GatewayActivity.Source.StartActivity("token lock acquire");
        span?.SetTag(GatewayActivity.TokenIdTag, tokenId);
        var started = Stopwatch.GetTimestamp();
        var result = "failed";
        try
        {
            var held = await inner.AcquireAsync(tokenId, cancellationToken).ConfigureAwait(false);
            result = "acquired";
            return held;
        }
        catch (DependencyUnavailableException ex) when (ex.Dependency == Dependency.TokenLock)
        {
            result = "busy";
            throw;
        }
        finally
        {
            GatewayMetrics.LockWait.Record(GatewayMetrics.ElapsedMs(started), new KeyValuePair<string, object?>("result", result));
            span?.SetTag("gateway.lock_result", result);
            if (result != "acquired") span?.SetStatus(ActivityStatusCode.Error, result);
        }
    }
}
