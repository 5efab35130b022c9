using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>
/// The reconciler over chains on a real Azurite, written by two writers: an outcome read before its intent still
/// settles it, and passes with nothing due download only the chains that grew, from where they ended.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AuditReconcilerTests(AzuriteFixture storage)
{
    private static readonly TokenState Requested = new("Reconciled name", true, false, false, "1");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly CountingDownloads _downloads = new();
    private readonly string _name = "archive-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task An_outcome_read_before_its_intent_settles_it_and_passes_with_nothing_due_read_only_what_was_appended()
    {
        var container = Container();
        // "a-writer" sorts first: its chain, with "crossed"'s settled outcome, is read before "b-writer"'s intents.
        var first = new ArchiveAuditSink(container, "a-writer", _time);
        var second = new ArchiveAuditSink(container, "b-writer", _time);
        var start = _time.GetUtcNow();
        await second.WriteAsync(Record("crossed", "intent", "313", start), default);
        await second.WriteAsync(Record("open", "intent", "312", start, requested: Requested), default);
        await first.WriteAsync(Record("crossed", "outcome", "313", start.AddSeconds(1), outcome: "applied"), default);
        await first.WriteAsync(Record("next", "intent", "312", start.AddMinutes(1), before: Requested), default);
        await first.WriteAsync(Record("next", "outcome", "312", start.AddMinutes(1), outcome: "applied", before: Requested), default);
        _time.Advance(TimeSpan.FromMinutes(6));
        // Strict: the next change's before answers for "open", so DatoCMS is never asked.
        var reconciler = new AuditReconciler(new AuditArchiveReader(container), new Mock<IDatoCmsClient>(MockBehavior.Strict).Object,
            new Mock<ISecretSource>(MockBehavior.Strict).Object, first, Options.Create(new AuditOptions()), _time, NullLogger<AuditReconciler>.Instance);

        Assert.Equal(["open"], await reconciler.RunOnceAsync(default));
        var reconciled = Assert.Single(await new AuditArchiveReader(container).ReadDaysAsync(Today, Today, default), r => r.Json["reconciled"] is not null);
        Assert.Equal(("open", "applied"), (reconciled.AuditId, reconciled.Outcome));

        // Nothing due any more: one pass reads "a-writer"'s reconciled outcome, appended since; the next reads nothing.
        var before = _downloads.Count;
        Assert.Empty(await reconciler.RunOnceAsync(default));
        Assert.Equal(1, _downloads.Count - before);
        before = _downloads.Count;
        Assert.Empty(await reconciler.RunOnceAsync(default));
        Assert.Equal(0, _downloads.Count - before);
    }

    private DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    private BlobContainerClient Container()
    {
        var options = new BlobClientOptions();
        options.AddPolicy(_downloads, HttpPipelinePosition.PerCall);
        return new BlobServiceClient(storage.ConnectionString, options).GetBlobContainerClient(_name);
    }

    private static AuditRecord Record(string auditId, string kind, string tokenId, DateTimeOffset at, string? outcome = null, TokenState? requested = null, TokenState? before = null) => new()
    {
        AuditId = auditId,
        CorrelationId = auditId,
        Kind = kind,
        Time = at,
        Source = "http",
        Caller = new AuditCaller(CallerKinds.FunctionKey, "reconciler-test"),
        TokenId = tokenId,
        Requested = requested ?? Requested,
        Before = before,
        Outcome = outcome,
    };

    /// <summary>Counts the blob downloads (GETs that are not listings) the reader makes.</summary>
    private sealed class CountingDownloads : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get && !message.Request.Uri.Query.Contains("comp=list", StringComparison.Ordinal)) Interlocked.Increment(ref _count);
        }
    }
}
