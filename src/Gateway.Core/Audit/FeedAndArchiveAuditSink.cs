using System.Runtime.CompilerServices;

namespace AccessTokenGateway.Audit;

/// <summary>
/// The audit trail's one sink: each record goes to the queue (the feed a SIEM reads) and to the archive (the record
/// of reference) at the same time, so the archive adds no round trip in a row; a write lands only when both did, and
/// throws otherwise (the pipeline fails closed). Retrying the same record sends only the half that failed, so a retry
/// does not copy a record twice into the half that had it.
/// </summary>
public sealed class FeedAndArchiveAuditSink(IAuditSink feed, IAuditSink archive) : IAuditSink
{
    private const int FeedLanded = 1, ArchiveLanded = 2;
    private readonly ConditionalWeakTable<AuditRecord, StrongBox<int>> _landed = new();

    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var landed = _landed.GetOrCreateValue(record);
        var toFeed = (Volatile.Read(ref landed.Value) & FeedLanded) != 0 ? Task.CompletedTask : Mark(feed.WriteAsync(record, cancellationToken), landed, FeedLanded);
        var toArchive = (Volatile.Read(ref landed.Value) & ArchiveLanded) != 0 ? Task.CompletedTask : Mark(archive.WriteAsync(record, cancellationToken), landed, ArchiveLanded);
        await Task.WhenAll(toFeed, toArchive).ConfigureAwait(false);
    }

    private static async Task Mark(Task write, StrongBox<int> landed, int half)
    {
        await write.ConfigureAwait(false);
        int seen;
        do seen = Volatile.Read(ref landed.Value);
        while (Interlocked.CompareExchange(ref landed.Value, seen | half, seen) != seen);
    }
}
