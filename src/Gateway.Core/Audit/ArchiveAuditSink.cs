using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Appends audit records to this process's chain in the archive (see <see cref="AuditArchive"/>). Records that arrive
/// while an append is in flight go out together in the next one (group commit): one append per batch, never one per
/// record in a row, so concurrent changes do not queue behind each other's round trips. Each append is conditioned
/// on the blob's length, so nothing else can have slipped in; if an append fails, its records are refused (the
/// caller fails closed) and the next batch starts a new segment, a fresh chain: the old one ends with its last
/// record that surely landed, never with a gap.
/// </summary>
public sealed class ArchiveAuditSink(BlobContainerClient container, string writerId, TimeProvider time) : IAuditSink
{
    /// <summary>An append blob takes 50,000 blocks; a segment is closed well before.</summary>
    public const int MaxBlocksPerSegment = 49_000;
    private const int MaxBatchRecords = 64;

    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private bool _flushing;

    // The chain, touched by the one flush loop only.
    private AppendBlobClient? _blob;
    private string _chain = "";
    private DateOnly _day;
    private int _segment;
    private long _seq;
    private string _lastHash = AuditArchive.Genesis;
    private long _length;
    private int _blocks;
    private bool _containerKnown;

    public string WriterId => writerId;

    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var pending = new Pending(record, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _pending.Add(pending);
            start = !_flushing;
            _flushing = true;
        }
        // The first writer starts the flush on its own thread (no hop to the pool): it runs to the append's I/O and
        // returns; later batches are flushed by the continuation, whoever's records they are.
        if (start) _ = FlushAsync();
        // A caller that stops waiting does not stop the append: its record may still land, as with any write.
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                batch = _pending.Count <= MaxBatchRecords ? _pending : _pending[..MaxBatchRecords];
                _pending = _pending.Count <= MaxBatchRecords ? [] : _pending[MaxBatchRecords..];
            }
            try
            {
                await AppendAsync(batch).ConfigureAwait(false);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                _blob = null; // the next batch starts a new segment
                var unavailable = new DependencyUnavailableException(Dependency.AuditTrail,
                    $"The audit archive could not be appended to ({ex.GetType().Name}).", ex);
                foreach (var p in batch) p.Done.TrySetException(unavailable);
            }
        }
    }

    private async Task AppendAsync(List<Pending> batch)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (_blob is null || today != _day || _blocks >= MaxBlocksPerSegment) await StartSegmentAsync(today).ConfigureAwait(false);

        using var block = new MemoryStream();
        var (seq, last) = (_seq, _lastHash);
        foreach (var p in batch)
        {
            var line = AuditSerializer.Serialize(p.Record with { Chain = _chain, Seq = ++seq, PrevHash = last });
            last = AuditArchive.Hash(line);
            block.Write(line);
            block.WriteByte((byte)'\n');
        }
        block.Position = 0;
        await _blob!.AppendBlockAsync(block, new AppendBlobAppendBlockOptions
        {
            Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = _length },
        }).ConfigureAwait(false);
        (_seq, _lastHash, _length, _blocks) = (seq, last, _length + block.Length, _blocks + 1);
    }

    private async Task StartSegmentAsync(DateOnly day)
    {
        _segment++;
        var chain = $"{AuditArchive.DayPrefix(day)}{writerId}-{_segment:D4}";
        var blob = container.GetAppendBlobClient(chain + AuditArchive.Extension);
        var options = new AppendBlobCreateOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" },
            Conditions = new AppendBlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await blob.CreateAsync(options).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound && !_containerKnown)
        {
            // Locally the container may not exist yet; in Azure the template creates it with its retention policy.
            await container.CreateIfNotExistsAsync().ConfigureAwait(false);
            await blob.CreateAsync(options).ConfigureAwait(false);
        }
        _containerKnown = true;
        (_blob, _chain, _day, _seq, _lastHash, _length, _blocks) = (blob, chain, day, 0, AuditArchive.Genesis, 0, 0);
    }

    private sealed record Pending(AuditRecord Record, TaskCompletionSource Done);

}
