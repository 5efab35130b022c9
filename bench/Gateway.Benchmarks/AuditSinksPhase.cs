using System.Diagnostics;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// What the archive costs a change: one audit write to the queue alone, to the archive alone, to both through
/// <see cref="FeedAndArchiveAuditSink"/> (as the gateway writes), and to both one after the other (what it avoids).
/// Azurite serves every request on one thread and, on a loaded machine, CPU time dominates; so the two services are
/// reached through a proxy that adds a network's delay each way, where overlapping round trips shows, or does not.
/// </summary>
internal static class AuditSinksPhase
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static async Task RunAsync(AzuriteProcess storage, TimeSpan delay, int samples, Action<string> progress)
    {
        await using var queueProxy = new DelayProxy(storage.QueuePort, delay).Start();
        await using var blobProxy = new DelayProxy(storage.BlobPort, delay).Start();
        var account = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};";
        var queue = new QueueClient(account + $"QueueEndpoint=http://127.0.0.1:{queueProxy.Port}/devstoreaccount1;", "bench-audit-sinks",
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        var container = new BlobServiceClient(account + $"BlobEndpoint=http://127.0.0.1:{blobProxy.Port}/devstoreaccount1;").GetBlobContainerClient("bench-audit-sinks");

        var feed = new QueueAuditSink(queue);
        var archive = new ArchiveAuditSink(container, "bench-a", TimeProvider.System);
        var both = new FeedAndArchiveAuditSink(new QueueAuditSink(queue), new ArchiveAuditSink(container, "bench-b", TimeProvider.System));
        var inARow = new InARow(new QueueAuditSink(queue), new ArchiveAuditSink(container, "bench-c", TimeProvider.System));

        progress($"audit sinks: {samples} writes each, {delay.TotalMilliseconds:0} ms added each way to every storage request");
        foreach (var (name, sink) in new (string, IAuditSink)[] { ("queue only", feed), ("archive only", archive), ("both together (the gateway)", both), ("both in a row", inARow) })
        {
            var times = new List<double>(samples);
            for (var i = 0; i < samples + 10; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await sink.WriteAsync(Record(i), default);
                if (i >= 10) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            times.Sort();
            progress($"  {name,-28} p50 {times[samples / 2],6:0.0} ms   p90 {times[samples * 9 / 10],6:0.0} ms");
        }
    }

    private static AuditRecord Record(int i) => new()
    {
        AuditId = $"bench-{i}", CorrelationId = "bench", Kind = "intent", Time = DateTimeOffset.UtcNow, Source = "http",
        Caller = new AuditCaller("function_key", "bench"), TokenId = "312", Reason = "benchmark",
    };

    private sealed class InARow(IAuditSink first, IAuditSink second) : IAuditSink
    {
        public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
        {
            await first.WriteAsync(record, cancellationToken);
            await second.WriteAsync(record, cancellationToken);
        }
    }
}
