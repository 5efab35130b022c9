using AccessTokenGateway.Audit;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>The feed and the archive are written together, and a record counts only once both have it.</summary>
public sealed class FeedAndArchiveAuditSinkTests
{
    private static readonly AuditRecord Record = new()
    {
        AuditId = "a1", CorrelationId = "c1", Kind = "intent", Time = DateTimeOffset.UnixEpoch, Source = "http", Caller = new AuditCaller("function_key", "default"),
    };

    [Fact]
    public async Task Both_writes_are_in_flight_at_once_so_the_archive_adds_no_round_trip_in_a_row()
    {
        var (feed, archive) = (new GatedSink(), new GatedSink());
        var write = new FeedAndArchiveAuditSink(feed, archive).WriteAsync(Record, default);

        // Neither has answered, yet both have been asked.
        Assert.Equal((1, 1), (feed.Calls, archive.Calls));
        Assert.False(write.IsCompleted);
        feed.Open();
        Assert.False(write.IsCompleted);   // the feed alone is not enough
        archive.Open();
        await write;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Either_half_failing_fails_the_write_and_a_retry_sends_only_the_half_that_failed(bool feedFails, bool archiveFails)
    {
        var (feed, archive) = (new GatedSink(feedFails), new GatedSink(archiveFails));
        feed.Open();
        archive.Open();
        var sink = new FeedAndArchiveAuditSink(feed, archive);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => sink.WriteAsync(Record, default));
        (feed.Fails, archive.Fails) = (false, false);
        await sink.WriteAsync(Record, default);

        Assert.Equal((feedFails ? 2 : 1, archiveFails ? 2 : 1), (feed.Calls, archive.Calls));
        // Another record is its own: both halves again.
        await sink.WriteAsync(Record with { Kind = "outcome" }, default);
        Assert.Equal((feedFails ? 3 : 2, archiveFails ? 3 : 2), (feed.Calls, archive.Calls));
    }

    private sealed class GatedSink(bool fails = false) : IAuditSink
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Calls;
        public bool Fails = fails;

        public void Open() => _gate.TrySetResult();

        public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
        {
            Calls++;
            await _gate.Task;
            if (Fails) throw new DependencyUnavailableException(Dependency.AuditTrail, "down");
        }
    }
}
