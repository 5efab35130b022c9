using AccessTokenGateway.Audit;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>The archive read as a stream on a real Azurite: with offsets, a second read takes only what was appended since.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditArchiveReaderTests(AzuriteFixture storage)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly BlobContainerClient _container = new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient("archive-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_read_with_offsets_takes_only_the_records_appended_since_the_last_and_no_bytes_when_nothing_was()
    {
        var sink = new ArchiveAuditSink(_container, "reader-test", _time);
        var reader = new AuditArchiveReader(_container);
        var offsets = new AuditArchiveOffsets();
        var day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        for (var i = 0; i < 100; i++) await sink.WriteAsync(Record($"first-{i}"), default);

        Assert.Equal(100, await CountAsync(reader.StreamDaysAsync(day, day, offsets, default)));
        Assert.Equal(await ArchiveBytesAsync(), offsets.BytesRead);

        for (var i = 0; i < 3; i++) await sink.WriteAsync(Record($"second-{i}"), default);
        var appended = new List<string?>();
        await foreach (var record in reader.StreamDaysAsync(day, day, offsets, default)) appended.Add(record.AuditId);

        Assert.Equal(["second-0", "second-1", "second-2"], appended);
        Assert.Equal(await ArchiveBytesAsync(), offsets.BytesRead);   // each byte read once, over both reads
        var read = offsets.BytesRead;
        Assert.Equal(0, await CountAsync(reader.StreamDaysAsync(day, day, offsets, default)));
        Assert.Equal(read, offsets.BytesRead);
        Assert.Equal(103, (await reader.ReadDaysAsync(day, day, default)).Count);   // without offsets: everything
    }

    [Fact]
    public async Task No_archive_yet_reads_as_no_records()
    {
        var day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        Assert.Equal(0, await CountAsync(new AuditArchiveReader(_container).StreamDaysAsync(day, day, new AuditArchiveOffsets(), default)));
    }

    private AuditRecord Record(string auditId) => new()
    {
        AuditId = auditId,
        CorrelationId = auditId,
        Kind = "outcome",
        Time = _time.GetUtcNow(),
        Source = "http",
        Caller = new AuditCaller(AccessTokenGateway.Changes.CallerKinds.FunctionKey, "reader-test"),
        TokenId = "312",
        Outcome = "rejected",
    };

    private async Task<long> ArchiveBytesAsync()
    {
        var total = 0L;
        await foreach (var blob in _container.GetBlobsAsync()) total += blob.Properties.ContentLength ?? 0;
        return total;
    }

    private static async Task<int> CountAsync(IAsyncEnumerable<ArchivedRecord> records)
    {
        var count = 0;
        await foreach (var _ in records) count++;
        return count;
    }
}
