using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace AccessTokenGateway.Changes;

/// <summary>
/// Serialises read-diff-write per token across every instance: a blob lease on <c>token-leases/{token id}</c>
/// (Azure Storage; Azurite locally), held from the read to the end of the write and renewed while held. Within
/// one instance a semaphore queues callers first, so an instance competes for the lease once per token at a time.
/// The wait is bounded; a crashed holder's lease lapses after <see cref="LeaseDuration"/>.
/// </summary>
public sealed class BlobTokenLocks(BlobServiceClient blobs, TimeSpan maxWait, TimeProvider time) : ITokenLocks
{
    public const string ContainerName = "token-leases";
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);
    private readonly InProcessTokenLocks _local = new(maxWait);
    private volatile bool _containerKnown;

    public async Task<IAsyncDisposable> AcquireAsync(string tokenId, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var local = await _local.AcquireAsync(tokenId, cancellationToken).ConfigureAwait(false);
        try
        {
            var blob = _container.GetBlobClient(tokenId);
            var lease = blob.GetBlobLeaseClient();
            var delay = TimeSpan.FromMilliseconds(10);
            while (true)
            {
                try
                {
                    await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return new Held(lease, local, time);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    await CreateBlobAsync(blob, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    // Another instance holds it: wait a little, with jitter so instances don't retry in step.
                }
                if (time.GetElapsedTime(started) + delay > maxWait) throw InProcessTokenLocks.TokenBusy(tokenId);
                await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 10)), time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
            }
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CreateBlobAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        if (!_containerKnown)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _containerKnown = true;
        }
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Created by another caller meanwhile, or already leased: either way it exists now.
        }
    }

    private sealed class Held : IAsyncDisposable
    {
        private readonly BlobLeaseClient _lease;
        private readonly IAsyncDisposable _local;
        private readonly ITimer _renewal;
        private int _released;

        public Held(BlobLeaseClient lease, IAsyncDisposable local, TimeProvider time)
        {
            (_lease, _local) = (lease, local);
            var every = LeaseDuration / 3;
            _renewal = time.CreateTimer(_ => _ = RenewAsync(), null, every, every);
        }

        private async Task RenewAsync()
        {
            try { await _lease.RenewAsync().ConfigureAwait(false); }
            catch (RequestFailedException) { /* the lease lapses on its own; the write is bounded by DatoCMS's deadline */ }
        }

        /// <summary>
        /// Releases in the background: the change's outcome record is written meanwhile, rather than after a storage round
        /// trip of its own. This instance's next change to the token waits for the release (the in-process gate opens last).
        /// </summary>
        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) _ = ReleaseAsync();
            return ValueTask.CompletedTask;
        }

        private async Task ReleaseAsync()
        {
            try
            {
                await _renewal.DisposeAsync().ConfigureAwait(false);
                await _lease.ReleaseAsync().ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                // Already lapsed or storage unreachable: the lease expires on its own.
            }
            finally
            {
                await _local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
