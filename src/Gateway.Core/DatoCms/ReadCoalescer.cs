using Microsoft.Extensions.Options;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// Serves the reads of several changes with one <c>GET /access_tokens</c>, so that under a burst DatoCMS's budget goes
/// to the <c>PUT</c>s. Every caller already holds its token's lock, and a read joins only a list that has not been sent
/// yet: the list is taken after every one of its readers' locks was held, so it is as fresh for each as its own
/// <c>GET /access_tokens/:id</c> would be (docs/resilience.md says why, and what it means for writers outside the gateway).
/// <list type="bullet">
/// <item>One list at a time. The next is sent once the readers of the one before have moved on (to their <c>PUT</c>, or
/// to their end; one straggler may be left, its <c>PUT</c> within the burst left for other callers), no request waits for the
/// pacer and it has a free slot; readers arriving meanwhile join it. So a
/// burst's reads gather into few lists while its <c>PUT</c>s keep the window full, and the pacer counts the list like
/// any request.</item>
/// <item>A read alone is the token's own <c>GET</c>, as without coalescing. So is every read of a list that came back
/// unusable (larger than <see cref="DatoCmsOptions.MaxTokenListBytes"/>, not a list), and, while DatoCMS's budget is not
/// what holds reads back, the reads of a few readers in a large project.</item>
/// <item>A token missing from the list gets DatoCMS's 404 for it, as its own <c>GET</c> would; a list DatoCMS refused or
/// failed on gives each reader that same reply (a 401 each reader's session answers by refreshing the CMA token once).</item>
/// <item>A reader that gives up (its cancellation) leaves the others waiting for the list, which runs on. One that no
/// list has taken within <see cref="DatoCmsOptions.MaxRateLimitWait"/> reads its own token: the pacer refuses it when
/// DatoCMS's budget is short, before it spends any. Unless the list before has been answered and the pacer would serve a
/// read now (its slot within a read's wait, behind whatever waits): the batch then goes at once, one request for all.</item>
/// </list>
/// </summary>
public sealed class ReadCoalescer(IDatoCmsClient client, DatoCmsPacer pacer, IOptions<DatoCmsOptions> options)
{
    private readonly Lock _gate = new();
    // The batch readers join, per CMA token (readers with another bearer cannot share its answer).
    private readonly Dictionary<string, Batch> _open = new(StringComparer.Ordinal);
    // The last batch begun: the next one is sent after it has been answered.
    private Task _last = Task.CompletedTask;
    // Readers answered who have not yet moved on to their PUT or their end; signalled when no more than a straggler is left.
    private int _planning;
    private TaskCompletionSource _planned = Completed();
    // A write may wait MaxRateLimitWait for its slot: the span a list's readers' PUTs must fit in, and the longest a list
    // is held for the PUTs of the one before.
    private readonly TimeSpan _writeMayWait = options.Value.MaxRateLimitWait;
    private readonly int _burst = options.Value.PacingBurst;
    private readonly TimeSpan _window = options.Value.RateLimitWindow;
    // When DatoCMS's budget last held a list back.
    private DateTimeOffset _lastPressed = DateTimeOffset.MinValue;

    /// <summary>Lists sent, and reads they served (for tests and the benchmark).</summary>
    public long Lists => Interlocked.Read(ref _lists);
    public long ListedReads => Interlocked.Read(ref _listedReads);
    private long _lists, _listedReads;
    // Tokens the last list held (0 until one is read), and how many of them one reader may cost to read.
    private int _listedCount;
    private const int TokensPerReader = 50;
    // Readers of the last list still planning that need not hold the next one: their PUTs fit in the burst MostReaders
    // leaves for other callers. One, so that a lone read (the first of a burst) slow to move on does not leave DatoCMS
    // idle meanwhile: behind a first change whose intent took 1 s to write, a 60 / 3 s drain sent nothing for that second.
    private const int Stragglers = 1;

    /// <summary>
    /// The token as DatoCMS has it, from a list or its own <c>GET</c>. The caller must tell <see cref="MovedOn"/> once
    /// it has gone on from this answer, so the next list is not held up for it.
    /// </summary>
    public async Task<DatoCmsReply> ReadAsync(string tokenId, string bearerToken, CancellationToken cancellationToken)
    {
        var reader = new Reader(tokenId, pacer.Time.GetUtcNow());
        Batch? begun = null;
        lock (_gate)
        {
            if (!_open.TryGetValue(bearerToken, out var batch))
            {
                begun = batch = new Batch(bearerToken, after: _last);
                _open[bearerToken] = batch;
                _last = batch.Done.Task;
            }
            batch.Readers.Add(reader);
        }
        // The first reader starts the batch; with nothing before it, it is sent at once, this reader alone in it.
        if (begun is not null) _ = SendWhenDueAsync(begun);
        try
        {
            try
            {
                return await reader.Reply.Task.WaitAsync(_writeMayWait, pacer.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (Hurried(reader, bearerToken))
            {
                return await reader.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);   // its list goes now
            }
            catch (TimeoutException) when (Withdrawn(reader, bearerToken))
            {
                // No list has taken it within the longest a call may wait on the rate limit: it reads its own token, as a
                // lone read does, and the pacer decides. When DatoCMS's budget is what held it back, the pacer refuses it
                // (a 429 with its Retry-After) before it spends any; when something else did (storage slow to let the
                // last list's readers move on), it is served.
                try
                {
                    return await client.GetAccessTokenAsync(reader.TokenId, bearerToken, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    MovedOn();   // it gets no reply, so its caller will not say it moved on
                    throw;
                }
            }
            catch (TimeoutException)
            {
                return await reader.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);   // its list is on its way
            }
        }
        catch (OperationCanceledException)
        {
            // Counted among the readers when its batch is answered; it will never move on, so it does then.
            _ = reader.Reply.Task.ContinueWith(_ => MovedOn(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// A reader no list has taken in time, whose batch is held only for the last list's readers to move on (its list
    /// answered) or for their <c>PUT</c>s to get their slots, while the pacer would serve a read now: the batch goes now,
    /// as one list, rather than each of its readers reading its own token when its time runs out. Each such read would
    /// queue for the same pacer as the list, and cost a request where the list costs one for all (ten in one of Azurite's
    /// storage pauses in a drain at 30 per 3 s with the budget unused; nine in another while the last list's 17 <c>PUT</c>s,
    /// their intents held up by the pause, waited for their slots). When the pacer would not serve a read, each reads
    /// its own (and is refused, before it spends any of the budget).
    /// </summary>
    private bool Hurried(Reader reader, string bearer)
    {
        lock (_gate)
        {
            if (reader.Taken || !_open.TryGetValue(bearer, out var batch) || !batch.After.IsCompleted || !batch.Readers.Contains(reader)) return false;
            if (!pacer.WouldServeRead()) return false;
            batch.Hurried.TrySetResult();
            return true;
        }
    }

    /// <summary>
    /// Takes a reader no list has taken yet out of the batch it waits in (the open one: a reader not yet taken is always
    /// there). Its caller will still tell <see cref="MovedOn"/> of the reply it gets, so it counts as answered.
    /// </summary>
    private bool Withdrawn(Reader reader, string bearer)
    {
        lock (_gate)
        {
            if (reader.Taken || !_open.TryGetValue(bearer, out var batch) || !batch.Readers.Remove(reader)) return false;
            Answering(1);
            return true;
        }
    }

    /// <summary>Counts readers about to be answered: the next list waits until each has moved on (called under the lock).</summary>
    private void Answering(int readers)
    {
        if (_planning <= Stragglers && _planning + readers > Stragglers) _planned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _planning += readers;
    }

    /// <summary>A reader answered by <see cref="ReadAsync"/> has moved on (to its write, or to its end); once per answer.</summary>
    public void MovedOn()
    {
        TaskCompletionSource? done = null;
        lock (_gate)
        {
            if (_planning > 0 && --_planning == Stragglers) done = _planned;
        }
        done?.TrySetResult();
    }

    private async Task SendWhenDueAsync(Batch batch)
    {
        List<Reader> readers = [];
        try
        {
            await batch.After.ConfigureAwait(false);
            var pressed = Pressed(await WhenDueAsync(batch.Hurried.Task).ConfigureAwait(false));
            Batch? rest = null;
            lock (_gate)
            {
                _open.Remove(batch.Bearer);
                // No more readers than the pacer can give a PUT slot within the longest a write may wait: the others
                // stay for the next list, which is sent once these have moved on.
                var most = MostReaders(batch.Readers);
                readers = batch.Readers.Count <= most ? batch.Readers : batch.Readers[..most];
                foreach (var reader in readers) reader.Taken = true;
                if (readers.Count < batch.Readers.Count)
                {
                    rest = new Batch(batch.Bearer, after: _last);
                    rest.Readers.AddRange(batch.Readers[most..]);
                    _open[batch.Bearer] = rest;
                    _last = rest.Done.Task;
                }
            }
            if (rest is not null) _ = SendWhenDueAsync(rest);
            // No reader's cancellation reaches the call: it serves them all. DatoCMS's deadlines bound it.
            var replies = await ReadAllAsync([.. readers.Select(r => r.TokenId).Distinct(StringComparer.Ordinal)], batch.Bearer, pressed).ConfigureAwait(false);
            lock (_gate) Answering(readers.Count);
            batch.Done.TrySetResult();   // before its readers hear: the next batch then waits for them to move on
            foreach (var reader in readers) reader.Reply.TrySetResult(replies[reader.TokenId]);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_open.TryGetValue(batch.Bearer, out var open) && open == batch) _open.Remove(batch.Bearer);
            }
            foreach (var reader in readers.Count == 0 ? batch.Readers : readers) reader.Reply.TrySetException(ex);
        }
        finally
        {
            batch.Done.TrySetResult();
        }
    }

    /// <summary>
    /// Whether DatoCMS's budget holds reads back: it held this list back, or one within the last window. A burst's budget
    /// is spent over the burst, so a moment's slack (a storage pause that emptied the pacer's queue) does not make a
    /// request more than the list cheap: after one such pause, 20 readers of a project of 1,000 tokens read their own.
    /// </summary>
    private bool Pressed(bool now)
    {
        var at = pacer.Time.GetUtcNow();
        lock (_gate)
        {
            if (now) _lastPressed = at;
            return now || at - _lastPressed <= _window;
        }
    }

    /// <summary>
    /// Readers one list may serve, of those waiting (in the order they came): as many as the pacer can give a <c>PUT</c>
    /// slot from now within the longest a write may wait, less the list's own slot and a burst (for requests of other
    /// callers asking meanwhile, a straggler of the last list among them). A list goes when no request waits for the
    /// pacer, so its readers' <c>PUT</c>s queue behind nothing but each other; or, hurried or held as long as a write may
    /// wait, behind requests still waiting, which these slots then leave out. Each <c>PUT</c> asks for its slot after the
    /// list's answer, and may wait as long from then.
    /// And no more than leaves the first reader not served time to be taken by the next list (sent once these
    /// <c>PUT</c>s have gone) before it has waited that long itself: otherwise it would be refused.
    /// </summary>
    private int MostReaders(List<Reader> waiting)
    {
        // Requests waiting for a slot they have not reserved (a list hurried, or held as long as a write may wait, goes
        // with such PUTs still waiting) go before these readers' PUTs.
        var ahead = pacer.Unreserved;
        int Fitting(DateTimeOffset until) =>
            Math.Max(2, pacer.SlotsBy(until, atMost: waiting.Count + 1 + _burst + ahead) - 1 - _burst - ahead);
        var most = Fitting(pacer.Time.GetUtcNow() + _writeMayWait);
        while (most < waiting.Count && Fitting(waiting[most].Asked + _writeMayWait) is var fits && fits < most) most = fits;
        return most;
    }

    /// <summary>
    /// Until the readers of the last list have moved on (all but a straggler), no request waits for the pacer, and the
    /// pacer's next slot has
    /// come; or until the longest a write may wait on the rate limit has passed (then the list goes, and the pacer decides
    /// as for any read). The last list's PUTs fill that span at most, so the next list goes once they have gone, not
    /// behind them (where a read's shorter wait could refuse it, and every reader with it). True when DatoCMS's budget
    /// held it back: the budget is then what the reads cost.
    /// </summary>
    private async Task<bool> WhenDueAsync(Task hurried)
    {
        var time = pacer.Time;
        var until = time.GetUtcNow() + _writeMayWait;
        Task planned;
        lock (_gate) planned = _planning <= Stragglers ? Task.CompletedTask : _planned.Task;
        try
        {
            await Task.WhenAny(planned, hurried).WaitAsync(_writeMayWait, time).ConfigureAwait(false);
            var pressed = false;
            while (time.GetUtcNow() is var now && now < until)
            {
                // A reader ran out of time while the pacer would serve a read: the burst is on, and every request saved counts.
                if (hurried.IsCompleted) return true;
                if (pacer.Waiting > 0) await Task.WhenAny(pacer.WhenNoneWaiting(), hurried).WaitAsync(until - now, time).ConfigureAwait(false);
                else if (pacer.NextFree() is var free && free > now) await Task.WhenAny(Task.Delay((free < until ? free : until) - now, time), hurried).ConfigureAwait(false);
                else return pressed;
                pressed = true;
            }
            return true;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    private async Task<IReadOnlyDictionary<string, DatoCmsReply>> ReadAllAsync(List<string> ids, string bearer, bool pressed)
    {
        // A list costs one request, but reading it costs in proportion to the project's tokens. When DatoCMS's budget is
        // what holds the reads back, every request saved is a PUT sooner, and a list serves any two readers or more;
        // otherwise it serves a few readers only when the project is small (the last list said how many tokens it holds).
        if (ids.Count > 1 && (pressed || Volatile.Read(ref _listedCount) <= ids.Count * TokensPerReader))
        {
            var list = await client.ListAccessTokensAsync(bearer, ids.ToHashSet(StringComparer.Ordinal), CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _lists);
            if (list.ListedCount is { } listed) Volatile.Write(ref _listedCount, listed);
            if (list.Kind == DatoCmsReplyKind.Ok && list.Tokens is { } tokens)
            {
                Interlocked.Add(ref _listedReads, ids.Count);
                return ids.ToDictionary(id => id, id => tokens.TryGetValue(id, out var token)
                    ? list with { Tokens = null, ListedCount = null, Token = token }
                    : NotFound(list, id), StringComparer.Ordinal);
            }
            // DatoCMS refused or failed: each reader has the reply its own GET would most likely have had.
            if (list.Kind != DatoCmsReplyKind.NoAnswer || list.Status is not (>= 200 and < 300))
                return ids.ToDictionary(id => id, _ => list, StringComparer.Ordinal);
            // A success without a usable list: each token is read on its own.
        }
        var reads = await Task.WhenAll(ids.Select(id => client.GetAccessTokenAsync(id, bearer, CancellationToken.None))).ConfigureAwait(false);
        return ids.Zip(reads).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal);
    }

    /// <summary>What DatoCMS answers a <c>GET</c> of a token it does not have (deleted, or never there).</summary>
    private static DatoCmsReply NotFound(DatoCmsReply list, string id) =>
        new(DatoCmsReplyKind.Refused, list.Attempts, "DatoCMS answered 404.")
        {
            Status = 404,
            RequestId = list.RequestId,
            Error = new UpstreamError(404, "NOT_FOUND", new System.Text.Json.Nodes.JsonObject { ["type"] = "access_token", ["id"] = id }, Transient: false),
        };

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private sealed class Batch(string bearer, Task after)
    {
        public string Bearer { get; } = bearer;
        /// <summary>The batch begun before it: this one is sent once that one is answered.</summary>
        public Task After { get; } = after;
        public List<Reader> Readers { get; } = [];
        /// <summary>Set once the batch is answered (or failed): the next batch is sent after it.</summary>
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Set by a reader no list took in time, its list before answered and a read the pacer would serve: the batch goes now.</summary>
        public TaskCompletionSource Hurried { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Reader(string tokenId, DateTimeOffset asked)
    {
        public string TokenId { get; } = tokenId;
        public DateTimeOffset Asked { get; } = asked;
        /// <summary>Taken by a list about to be sent (set under the lock): it can no longer be withdrawn.</summary>
        public bool Taken { get; set; }
        public TaskCompletionSource<DatoCmsReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
