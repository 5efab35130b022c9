using AccessTokenGateway.Audit;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// For the storage-excluded decomposition only: serialises each record exactly as the queue sink does (so that cost
/// stays in the figure) and keeps nothing. Never a gateway's sink: it would let a change through with no audit trail.
/// </summary>
internal sealed class SerializingNullAuditSink : IAuditSink
{
    private long _bytes;
    public long Bytes => Interlocked.Read(ref _bytes);

    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _bytes, AuditSerializer.Serialize(record).Length);
        return Task.CompletedTask;
    }
}
