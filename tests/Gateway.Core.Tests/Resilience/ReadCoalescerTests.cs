using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>Reads served by one list: who shares it, what each reader gets, and what never leaks across readers.</summary>
public sealed class ReadCoalescerTests
{
    private const string Bearer = "cma-token";
    private readonly Mock<IDatoCmsClient> _client = new(MockBehavior.Strict);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TaskCompletionSource<DatoCmsReply> _firstRead = new();
    private readonly ReadCoalescer _reads;
    // For the tests over a real pacer (NewPacedCoalescer): its options, and the first list it answers (held open).
    private readonly DatoCmsOptions _options = new();
    private readonly TaskCompletionSource<DatoCmsReply> _firstList = new();

    public ReadCoalescerTests()
    {
        var options = new DatoCmsOptions();
        _reads = new ReadCoalescer(_client.Object, new DatoCmsPacer(options, _time), Options.Create(options));
        // The first read is alone: its own GET, held open so that the reads behind it gather.
        _client.Setup(c => c.GetAccessTokenAsync("1", Bearer, It.IsAny<CancellationToken>())).Returns(_firstRead.Task);
    }

    private static JsonObject Resource(string id, string secret = "its-secret") => new()
    {
        ["type"] = "access_token", ["id"] = id,
        ["attributes"] = new JsonObject
        {
            ["name"] = "Token " + id, ["token"] = secret, ["can_access_cda"] = true, ["can_access_cda_preview"] = false,
            ["can_access_cma"] = false, ["hardcoded_type"] = null,
        },
        ["relationships"] = new JsonObject { ["role"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "role", ["id"] = "34" } } },
    };

    private static DatoCmsReply Single(string id) =>
        new(DatoCmsReplyKind.Ok, 1, "ok") { Status = 200, Token = AccessTokenResource.TryRead(new JsonObject { ["data"] = Resource(id) }) };

    private static DatoCmsReply List(params string[] ids)
    {
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["data"] = new JsonArray([.. ids.Select(id => (JsonNode)Resource(id))]) }.ToJsonString());
        var read = AccessTokenList.TryRead(body, Bearer, ids.ToHashSet())!.Value;
        return new DatoCmsReply(DatoCmsReplyKind.Ok, 1, "ok") { Status = 200, RequestId = "list-1", Tokens = read.Tokens, ListedCount = read.Count };
    }

    /// <summary>
    /// Reads 2, 3 and 4 while read 1 (alone, its own GET) is on its way; they are answered before read 1 moves on: a lone
    /// read slow to move on (its intent written while a burst fills the queue) does not hold up the list behind it.
    /// </summary>
    private async Task<DatoCmsReply[]> ThreeBehindTheFirstAsync(CancellationToken[]? cancellation = null)
    {
        var first = _reads.ReadAsync("1", Bearer, CancellationToken.None);
        var behind = new[] { "2", "3", "4" }.Select((id, i) => _reads.ReadAsync(id, Bearer, cancellation?[i] ?? CancellationToken.None)).ToArray();
        _client.Verify(c => c.ListAccessTokensAsync(It.IsAny<string>(), It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()), Times.Never);   // held until 1 is answered
        _firstRead.SetResult(Single("1"));
        Assert.Equal("1", (await first).Token!.Id);
        var answered = new List<DatoCmsReply>();
        foreach (var read in behind)
        {
            try { answered.Add(await read.WaitAsync(TimeSpan.FromSeconds(10))); }
            catch (OperationCanceledException) { }
        }
        _reads.MovedOn();
        return [.. answered];
    }

    [Fact]
    public async Task Reads_gathered_behind_a_pending_read_share_one_list_and_a_lone_read_is_its_own_GET()
    {
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(List("1", "2", "3", "4", "5"));

        var replies = await ThreeBehindTheFirstAsync();

        Assert.Equal(["2", "3", "4"], replies.Select(r => r.Token!.Id));
        Assert.All(replies, r => Assert.Equal(DatoCmsReplyKind.Ok, r.Kind));
        Assert.All(replies, r => Assert.Null(r.Tokens));   // no reader carries the other tokens
        _client.Verify(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.Verify(c => c.GetAccessTokenAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal((1, 3), (_reads.Lists, _reads.ListedReads));
    }

    [Fact]
    public async Task A_reader_arriving_while_a_list_is_on_its_way_is_never_served_by_it()
    {
        // The list may predate the PUT of the lock's previous holder: only a list sent after the reader held its lock will do.
        var listOnItsWay = new TaskCompletionSource<DatoCmsReply>();
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).Returns(listOnItsWay.Task);
        _client.Setup(c => c.GetAccessTokenAsync("4", Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single("4"));
        var first = _reads.ReadAsync("1", Bearer, CancellationToken.None);
        var gathered = new[] { "2", "3" }.Select(id => _reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _firstRead.SetResult(Single("1"));
        await first;
        _reads.MovedOn();
        await WaitUntil(() => _reads.Lists == 0 && _client.Invocations.Any(i => i.Method.Name == nameof(IDatoCmsClient.ListAccessTokensAsync)));

        var late = _reads.ReadAsync("4", Bearer, CancellationToken.None);
        listOnItsWay.SetResult(List("2", "3", "4"));
        await Task.WhenAll(gathered).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(late.IsCompleted);                       // not from the list that was on its way
        _reads.MovedOn();
        _reads.MovedOn();
        var reply = await late.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("4", reply.Token!.Id);
        _client.Verify(c => c.GetAccessTokenAsync("4", Bearer, It.IsAny<CancellationToken>()), Times.Once);   // its own read, after its lock
        _client.Verify(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>Polls a condition the coalescer's own task makes true (bounded; no fixed sleep).</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1_000 && !condition(); i++) await Task.Yield();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(1);
        Assert.True(condition());
    }

    [Fact]
    public async Task A_token_missing_from_the_list_gets_DatoCMSs_404_as_its_own_GET_would()
    {
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(List("2", "4"));

        var replies = await ThreeBehindTheFirstAsync();

        var missing = replies.Single(r => r.Kind != DatoCmsReplyKind.Ok);
        Assert.Equal((DatoCmsReplyKind.Refused, 404, "NOT_FOUND", "3"), (missing.Kind, missing.Status, missing.Error!.Code, (string?)missing.Error.Details!["id"]));
        Assert.False(missing.Error.Transient);
    }

    [Theory]
    [InlineData(DatoCmsReplyKind.Unauthorized, 401)]
    [InlineData(DatoCmsReplyKind.RateLimited, 429)]
    [InlineData(DatoCmsReplyKind.Failed, 503)]
    [InlineData(DatoCmsReplyKind.NoAnswer, null)]
    public async Task A_list_DatoCMS_refused_or_failed_gives_every_reader_that_reply(DatoCmsReplyKind kind, int? status)
    {
        var refused = new DatoCmsReply(kind, 1, "no") { Status = status };
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(refused);

        var replies = await ThreeBehindTheFirstAsync();

        Assert.Equal(3, replies.Length);
        Assert.All(replies, r => Assert.Same(refused, r));
    }

    [Fact]
    public async Task A_list_answered_but_unusable_is_replaced_by_each_tokens_own_GET()
    {
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DatoCmsReply(DatoCmsReplyKind.NoAnswer, 1, "too large") { Status = 200 });
        foreach (var id in new[] { "2", "3", "4" })
            _client.Setup(c => c.GetAccessTokenAsync(id, Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single(id));

        var replies = await ThreeBehindTheFirstAsync();

        Assert.Equal(["2", "3", "4"], replies.Select(r => r.Token!.Id));
    }

    [Fact]
    public async Task A_reader_that_gives_up_cancels_nothing_for_the_others()
    {
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(List("2", "3", "4"));
        using var givesUp = new CancellationTokenSource();
        givesUp.Cancel();

        var replies = await ThreeBehindTheFirstAsync([CancellationToken.None, givesUp.Token, CancellationToken.None]);

        Assert.Equal(["2", "4"], replies.Select(r => r.Token!.Id));
        _client.Verify(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.Is<CancellationToken>(t => !t.CanBeCanceled)), Times.Once);
    }

    [Fact]
    public async Task One_list_serves_no_more_readers_than_the_pacer_can_give_a_PUT_slot_in_time_the_rest_wait_for_the_next()
    {
        // A write may wait 1 s: the pacer has 21 slots from now to then at 60 per 3 s (one each 50 ms); less the list's
        // own and a burst (4), 16.
        var options = new DatoCmsOptions { MaxRateLimitWait = TimeSpan.FromSeconds(1) };
        var reads = new ReadCoalescer(_client.Object, new DatoCmsPacer(options, _time), Options.Create(options));
        var ids = Enumerable.Range(2, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(List([.. ids]));

        var first = reads.ReadAsync("1", Bearer, CancellationToken.None);
        var behind = ids.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToList();
        _firstRead.SetResult(Single("1"));
        await first;
        reads.MovedOn();
        await Task.WhenAll(behind.Take(16)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(behind.Skip(16), r => Assert.False(r.IsCompleted));   // held until the 16 move on
        Assert.Equal(1, reads.Lists);
        for (var i = 0; i < 16; i++) reads.MovedOn();
        await Task.WhenAll(behind).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((2, 20), (reads.Lists, reads.ListedReads));
    }

    [Fact]
    public async Task A_list_is_held_behind_waiting_PUTs_as_long_as_a_write_may_wait_so_it_goes_after_them_not_refused_behind_them()
    {
        // Defaults: a write may wait 6 s, a read 3 s. This window is spent and a PUT waits 4 s for the next one.
        var options = new DatoCmsOptions();
        var pacer = new DatoCmsPacer(options, _time);
        var reads = new ReadCoalescer(_client.Object, pacer, Options.Create(options));
        Task put = Task.CompletedTask;
        bool? putHadItsSlot = null;
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).Returns(() =>
        {
            putHadItsSlot = put.IsCompleted;
            return Task.FromResult(List("1", "2", "3"));
        });
        for (var i = 0; i < options.RateLimitPerWindow; i++)
        {
            Assert.True(pacer.TryReserve(DateTimeOffset.MaxValue, out var spent));
            pacer.NoAnswer(spent);   // done with (no answer to learn from), so they stop counting when the next window opens
        }
        put = pacer.AcquireAsync(isRead: false, DateTimeOffset.MaxValue, CancellationToken.None).AsTask();
        Assert.Equal(1, pacer.Waiting);

        var readers = new[] { "1", "2", "3" }.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _time.Advance(TimeSpan.FromSeconds(3.5));   // past a read's wait: a list sent now would queue behind the PUT
        await Task.WhenAny(Task.WhenAll(readers), Task.Delay(TimeSpan.FromMilliseconds(200)));   // a chance to go too early
        _time.Advance(TimeSpan.FromSeconds(0.5));   // the PUT has its slot; nothing waits any more
        await put.WaitAsync(TimeSpan.FromSeconds(10));
        // The list then takes the pacer's next slot, 50 ms on: the clock moves on in small steps until it has gone.
        var all = Task.WhenAll(readers);
        for (var step = 0; step < 100 && !all.IsCompleted; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1);
        }
        var replies = await all.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(putHadItsSlot);
        Assert.Equal(["1", "2", "3"], replies.Select(r => r.Token!.Id));
        Assert.Equal((1, 3), (reads.Lists, reads.ListedReads));
    }

    [Fact]
    public async Task A_reader_no_list_took_within_the_longest_a_call_may_wait_reads_its_own_token_for_the_pacer_to_decide()
    {
        // Read 1 holds up the list behind it for longer than a call may wait on the rate limit (6 s by default).
        _client.Setup(c => c.GetAccessTokenAsync("2", Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single("2"));
        _client.Setup(c => c.GetAccessTokenAsync("3", Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(
            new DatoCmsReply(DatoCmsReplyKind.RateLimited, 0, "refused by the pacer") { Status = 429, RetryAfter = TimeSpan.FromSeconds(3) });
        var first = _reads.ReadAsync("1", Bearer, CancellationToken.None);
        var behind = new[] { "2", "3" }.Select(id => _reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _time.Advance(TimeSpan.FromSeconds(6));

        var replies = await Task.WhenAll(behind).WaitAsync(TimeSpan.FromSeconds(10));

        // Each is what its own GET answered, here one served and one the pacer refused (PacingTests: the real pacer).
        Assert.Equal((DatoCmsReplyKind.Ok, "2"), (replies[0].Kind, replies[0].Token!.Id));
        Assert.Equal((DatoCmsReplyKind.RateLimited, 429), (replies[1].Kind, replies[1].Status));
        _firstRead.SetResult(Single("1"));
        Assert.Equal("1", (await first.WaitAsync(TimeSpan.FromSeconds(10))).Token!.Id);

        // No list was sent for them, and the coalescer goes on: the readers that come next (joining while the three
        // answered have not moved on) share the list their batch sends.
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(List("4", "5"));
        var next = new[] { "4", "5" }.Select(id => _reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _client.Verify(c => c.ListAccessTokensAsync(It.IsAny<string>(), It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()), Times.Never);
        for (var i = 0; i < 3; i++) _reads.MovedOn();
        Assert.Equal(["4", "5"], (await Task.WhenAll(next).WaitAsync(TimeSpan.FromSeconds(10))).Select(r => r.Token!.Id));
        Assert.Equal((1, 2), (_reads.Lists, _reads.ListedReads));
    }

    [Fact]
    public async Task Readers_held_only_by_a_storage_pause_when_their_time_runs_out_share_one_list_sent_at_once_not_a_GET_each()
    {
        // Readers 2 and 3 share a list that takes 2 s to answer; 4 and 5 gather behind it meanwhile. Once it is answered,
        // 2 and 3 do not move on (their intents held by a storage pause), so the list behind waits for them. When 4 and 5
        // have waited as long as a call may, nothing waits for the pacer and its next slot has come: their batch goes at
        // once, one list for both, rather than a GET each (the strict mock has none for them).
        var slowList = new TaskCompletionSource<DatoCmsReply>();
        var lists = 0;
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()))
            .Returns((string _, IReadOnlySet<string>? only, CancellationToken _) =>
                Interlocked.Increment(ref lists) == 1 ? slowList.Task : Task.FromResult(List([.. only!])));
        var first = _reads.ReadAsync("1", Bearer, CancellationToken.None);
        var listed = new[] { "2", "3" }.Select(id => _reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _firstRead.SetResult(Single("1"));
        await first;
        await WaitUntil(() => Volatile.Read(ref lists) == 1);
        _reads.MovedOn();
        var behind = new[] { "4", "5" }.Select(id => _reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();

        _time.Advance(TimeSpan.FromSeconds(2));
        slowList.SetResult(List("2", "3"));
        await Task.WhenAll(listed).WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(4));                                  // 4 and 5 have waited 6 s; 2 and 3 are still planning

        var replies = await Task.WhenAll(behind).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["4", "5"], replies.Select(r => r.Token!.Id));
        Assert.Equal((2, 4), (_reads.Lists, _reads.ListedReads));
        _client.Verify(c => c.GetAccessTokenAsync(It.IsAny<string>(), Bearer, It.IsAny<CancellationToken>()), Times.Once);   // read 1's only
    }

    [Fact]
    public async Task Readers_whose_time_runs_out_while_the_last_lists_PUTs_wait_for_their_slots_share_one_list_when_a_read_would_be_served()
    {
        // As the storage pause above, with the pause over: 2 and 3 are writing their intents, and ten PUTs of other
        // changes have just asked the pacer (60 per 3 s: four at once, the others 50 ms apart). When 4 and 5 run out of
        // time, six of those still wait for their reserved slots, and a read asking then would have its slot well within
        // its wait: their batch goes then, one list behind those PUTs, not a GET each (the strict mock has none for them).
        var (pacer, reads, waitingWhenListed) = NewPacedCoalescer();
        var behind = await HeldBehindAListWhoseReadersHaveNotMovedOnAsync(pacer, reads);
        var puts = Enumerable.Range(0, 10).Select(_ => pacer.AcquireAsync(isRead: false, DateTimeOffset.MaxValue, CancellationToken.None).AsTask()).ToList();
        _time.Advance(TimeSpan.FromSeconds(0.1));                               // 4 and 5 have waited 6 s

        var replies = await Task.WhenAll(behind).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["4", "5"], replies.Select(r => r.Token!.Id));
        Assert.Equal((2, 4), (reads.Lists, reads.ListedReads));
        Assert.True(waitingWhenListed() > 0, "the list went while PUTs still waited for their slots");
        _client.Verify(c => c.GetAccessTokenAsync(It.IsAny<string>(), Bearer, It.IsAny<CancellationToken>()), Times.Once);   // read 1's only
        await StepUntil(Task.WhenAll(puts));
    }

    [Fact]
    public async Task Readers_whose_time_runs_out_when_the_pacer_would_not_serve_a_read_read_their_own_tokens_for_it_to_refuse()
    {
        // This window was spent 2 s before 4 and 5 run out of time; it ends 2 s after (a read may wait 3 s). Sixty PUTs
        // have asked meanwhile, and wait to reserve their slots in the next window: a read behind them would wait past
        // 3 s. So a list would be refused, and every reader with it: each reads its own, and the pacer decides (here:
        // refused, as PacingTests show the real pacer does, before it spends any budget).
        var (pacer, reads, _) = NewPacedCoalescer();
        foreach (var id in new[] { "4", "5" })
            _client.Setup(c => c.GetAccessTokenAsync(id, Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(
                new DatoCmsReply(DatoCmsReplyKind.RateLimited, 0, "refused by the pacer") { Status = 429, RetryAfter = TimeSpan.FromSeconds(5) });
        var behind = await HeldBehindAListWhoseReadersHaveNotMovedOnAsync(pacer, reads, spendTheWindowAfter: TimeSpan.FromSeconds(1.9));
        Assert.True(pacer.WouldServeRead());                                    // with nothing waiting, it would be served in 2 s
        var puts = Enumerable.Range(0, _options.RateLimitPerWindow).Select(_ => pacer.AcquireAsync(isRead: false, DateTimeOffset.MaxValue, CancellationToken.None).AsTask()).ToList();
        Assert.Equal(_options.RateLimitPerWindow, pacer.Unreserved);
        Assert.False(pacer.WouldServeRead());
        _time.Advance(TimeSpan.FromSeconds(0.1));                               // 4 and 5 have waited 6 s

        var replies = await Task.WhenAll(behind).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(replies, r => Assert.Equal((DatoCmsReplyKind.RateLimited, 429), (r.Kind, r.Status)));
        Assert.Equal(1, reads.Lists);
        foreach (var id in new[] { "4", "5" })
            _client.Verify(c => c.GetAccessTokenAsync(id, Bearer, It.IsAny<CancellationToken>()), Times.Once);
        Assert.All(puts, put => Assert.False(put.IsCompleted));
    }

    /// <summary>
    /// A coalescer over a real pacer (defaults: 60 per 3 s): its first list answers once <see cref="_firstList"/> is set,
    /// the others at once, each saying how many requests waited for the pacer when it was sent.
    /// </summary>
    private (DatoCmsPacer Pacer, ReadCoalescer Reads, Func<int> WaitingWhenListed) NewPacedCoalescer()
    {
        var pacer = new DatoCmsPacer(_options, _time);
        var reads = new ReadCoalescer(_client.Object, pacer, Options.Create(_options));
        var (listed, waiting) = (0, -1);
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()))
            .Returns((string _, IReadOnlySet<string>? only, CancellationToken _) =>
            {
                if (Interlocked.Increment(ref listed) == 1) return _firstList.Task;
                Volatile.Write(ref waiting, pacer.Waiting);
                return Task.FromResult(List([.. only!]));
            });
        return (pacer, reads, () => Volatile.Read(ref waiting));
    }

    /// <summary>
    /// Read 1 alone, then 2 and 3 share a list answered 2 s on; they do not move on (their intents held up by a storage
    /// pause). Readers 4 and 5, come while that list was on its way, wait in the batch behind it. Returns their reads
    /// 5.9 s after they asked, having spent DatoCMS's window at <paramref name="spendTheWindowAfter"/> if given.
    /// </summary>
    private async Task<Task<DatoCmsReply>[]> HeldBehindAListWhoseReadersHaveNotMovedOnAsync(DatoCmsPacer pacer, ReadCoalescer reads, TimeSpan? spendTheWindowAfter = null)
    {
        var first = reads.ReadAsync("1", Bearer, CancellationToken.None);
        var listed = new[] { "2", "3" }.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _firstRead.SetResult(Single("1"));
        await first;
        await WaitUntil(() => _client.Invocations.Any(i => i.Method.Name == nameof(IDatoCmsClient.ListAccessTokensAsync)));
        reads.MovedOn();
        var behind = new[] { "4", "5" }.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        _time.Advance(TimeSpan.FromSeconds(2));
        _firstList.SetResult(List("2", "3"));
        await Task.WhenAll(listed).WaitAsync(TimeSpan.FromSeconds(10));
        var untilTimeout = TimeSpan.FromSeconds(3.9);
        if (spendTheWindowAfter is { } spend)
        {
            _time.Advance(spend);
            for (var i = 0; i < _options.RateLimitPerWindow; i++)
            {
                Assert.True(pacer.TryReserve(DateTimeOffset.MaxValue, out var spent));
                pacer.NoAnswer(spent);   // done with, no answer to learn from
            }
            untilTimeout -= spend;
        }
        _time.Advance(untilTimeout);
        Assert.All(behind, read => Assert.False(read.IsCompleted));
        return behind;
    }

    [Fact]
    public async Task A_list_leaves_the_first_reader_it_does_not_serve_time_to_be_taken_by_the_next_before_it_is_refused()
    {
        // A write may wait 1 s: 21 slots from now at 60 per 3 s, 16 readers. But these readers have waited 0.5 s already:
        // the first one left over must be taken by the next list within 0.5 s, when 11 slots have come: 6 readers now.
        var options = new DatoCmsOptions { MaxRateLimitWait = TimeSpan.FromSeconds(1) };
        var reads = new ReadCoalescer(_client.Object, new DatoCmsPacer(options, _time), Options.Create(options));
        var ids = Enumerable.Range(2, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var listed = new List<int>();
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()))
            .Returns((string _, IReadOnlySet<string>? only, CancellationToken _) =>
            {
                lock (listed) listed.Add(only!.Count);
                return Task.FromResult(List([.. only!]));
            });

        var first = reads.ReadAsync("1", Bearer, CancellationToken.None);
        var behind = ids.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToList();
        _time.Advance(TimeSpan.FromSeconds(0.5));
        _firstRead.SetResult(Single("1"));
        await first;
        reads.MovedOn();
        await Task.WhenAll(behind.Take(6)).WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 6; i++) reads.MovedOn();
        var replies = await Task.WhenAll(behind).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([6, 14], listed);   // the 14 others, all taken by the next list before their second of waiting
        Assert.All(replies, r => Assert.Equal(DatoCmsReplyKind.Ok, r.Kind));
    }

    [Fact]
    public async Task Once_a_list_shows_a_large_project_a_few_readers_read_their_own_tokens_rather_than_all_of_them()
    {
        // 1,000 tokens for 3 readers: reading the list costs more than the requests it saves.
        var many = List([.. Enumerable.Range(1, 1_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(many);
        await ThreeBehindTheFirstAsync();
        var held = new TaskCompletionSource<DatoCmsReply>();
        _client.Setup(c => c.GetAccessTokenAsync("5", Bearer, It.IsAny<CancellationToken>())).Returns(held.Task);
        foreach (var id in new[] { "6", "7" })
            _client.Setup(c => c.GetAccessTokenAsync(id, Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single(id));
        for (var i = 0; i < 3; i++) _reads.MovedOn();

        var five = _reads.ReadAsync("5", Bearer, CancellationToken.None);
        var pair = new[] { "6", "7" }.Select(id => _reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        held.SetResult(Single("5"));
        await five;
        _reads.MovedOn();
        var replies = await Task.WhenAll(pair).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["6", "7"], replies.Select(r => r.Token!.Id));
        _client.Verify(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Within_a_window_of_a_list_DatoCMSs_budget_held_back_a_few_readers_of_a_large_project_still_share_a_list()
    {
        // The first list waits for the pacer (its slots are spent for now): the budget holds reads back. The project turns
        // out to hold 1,000 tokens. Two readers then come when the pacer has slots to spare (a moment's slack, as after a
        // storage pause in a burst): within a window of the last pressure they share a list; a window later, they would not.
        var options = new DatoCmsOptions();
        var pacer = new DatoCmsPacer(options, _time);
        var reads = new ReadCoalescer(_client.Object, pacer, Options.Create(options));
        var many = List([.. Enumerable.Range(1, 1_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        _client.Setup(c => c.ListAccessTokensAsync(Bearer, It.IsAny<IReadOnlySet<string>?>(), It.IsAny<CancellationToken>())).ReturnsAsync(many);
        _client.Setup(c => c.GetAccessTokenAsync("1", Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single("1"));
        for (var i = 0; i < options.PacingBurst + 1; i++) Assert.True(pacer.TryReserve(DateTimeOffset.MaxValue, out _));   // the next slot is 50 ms on

        var pressed = new[] { "1", "2" }.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        await StepUntil(Task.WhenAll(pressed));
        _time.Advance(TimeSpan.FromSeconds(1));                                 // the pacer's slots have come: slack
        var slack = new[] { "3", "4" }.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();   // held until 1 and 2 move on
        reads.MovedOn();
        reads.MovedOn();
        var replies = await Task.WhenAll(slack).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["3", "4"], replies.Select(r => r.Token!.Id));
        Assert.Equal((2, 4), (reads.Lists, reads.ListedReads));
        _client.Verify(c => c.GetAccessTokenAsync(It.IsAny<string>(), Bearer, It.IsAny<CancellationToken>()), Times.Never);

        _time.Advance(TimeSpan.FromSeconds(3));                                 // a window with no pressure
        _client.Setup(c => c.GetAccessTokenAsync("5", Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single("5"));
        _client.Setup(c => c.GetAccessTokenAsync("6", Bearer, It.IsAny<CancellationToken>())).ReturnsAsync(Single("6"));
        var reading = new[] { "5", "6" }.Select(id => reads.ReadAsync(id, Bearer, CancellationToken.None)).ToArray();
        reads.MovedOn();
        reads.MovedOn();
        var later = await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["5", "6"], later.Select(r => r.Token!.Id));
        Assert.Equal(2, reads.Lists);                                           // their own GETs
    }

    /// <summary>Moves the fake clock on in small steps until <paramref name="task"/> completes (bounded).</summary>
    private async Task StepUntil(Task task)
    {
        for (var step = 0; step < 200 && !task.IsCompleted; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1);
        }
        await task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_list_nulls_every_secret_and_knows_the_bearers_own_token()
    {
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["data"] = new JsonArray(Resource("7", "other-secret"), Resource("8", Bearer)) }.ToJsonString());

        var (tokens, count) = AccessTokenList.TryRead(body, Bearer, new HashSet<string> { "7", "8" })!.Value;
        Assert.Equal(2, count);

        Assert.All(tokens.Values, t => Assert.Null(t.Document["data"]!["attributes"]!["token"]));
        Assert.DoesNotContain("secret", tokens["7"].Document.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Bearer, tokens["8"].Document.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal((false, true), (tokens["7"].IsTheBearer, tokens["8"].IsTheBearer));
    }

    [Theory]
    [InlineData("""{"data":[{"type":"access_token","id":"7","attributes":{"name":"a","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false},"relationships":{"role":{"data":{"type":"role","id":"34"}}}},{"type":"access_token","id":"7","attributes":{"name":"b","can_access_cda":true,"can_access_cda_preview":true,"can_access_cma":true},"relationships":{"role":{"data":{"type":"role","id":"35"}}}}]}""")]
    [InlineData("""{"data":{"type":"access_token","id":"7"}}""")]
    [InlineData("""{"data":[{"type":"role","id":"7"}]}""")]
    [InlineData("<html>")]
    public void A_list_naming_an_id_twice_or_not_a_list_of_tokens_is_not_used(string body) =>
        Assert.Null(AccessTokenList.TryRead(Encoding.UTF8.GetBytes(body), Bearer, new HashSet<string> { "7" }));

    [Fact]
    public async Task A_list_larger_than_the_bound_is_not_read_and_says_DatoCMS_answered()
    {
        var options = new DatoCmsOptions { BaseUrl = new Uri("http://datocms.test/"), MaxTokenListBytes = 64 * 1024 };
        var items = new JsonArray([.. Enumerable.Range(1, 1_000).Select(i => (JsonNode)Resource(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);
        var body = new JsonObject { ["data"] = items }.ToJsonString();
        using var http = new HttpClient(new Answering(body)) { BaseAddress = options.BaseUrl };
        var client = new DatoCmsClient(http, Options.Create(options));

        var reply = await client.ListAccessTokensAsync(Bearer, new HashSet<string> { "1" }, CancellationToken.None);

        Assert.True(body.Length > options.MaxTokenListBytes);
        Assert.Equal((DatoCmsReplyKind.NoAnswer, 200), (reply.Kind, reply.Status));
        Assert.Null(reply.Tokens);
    }

    /// <summary>Answers every request 200 with <paramref name="body"/>, sent without a length (chunked), as a proxy might.</summary>
    private sealed class Answering(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) });
    }
}
