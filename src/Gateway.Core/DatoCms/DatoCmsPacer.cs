using System.Net;
using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// Spends DatoCMS's rate-limit window evenly over every request of this instance, so a burst of changes flows at
/// DatoCMS's limit instead of bouncing off it. One instance per process (a singleton), shared by all calls.
/// <list type="bullet">
/// <item>Requests are spaced <c>window / limit</c> apart; after a quiet spell up to <see cref="DatoCmsOptions.PacingBurst"/>
/// go at once, so a single change (a GET and a PUT) is never slowed. When requests came slower than that, what is left
/// of the window is spread over what is left of it (up to the earliest DatoCMS's window can end, while its end is not yet
/// confirmed), so a window's budget is not lost to a lull, nor to the span cap below holding its start back.</item>
/// <item>A model of DatoCMS's fixed window caps what one window gets: when the requests sent in it (ours, plus any
/// DatoCMS counted that we did not send) reach the limit, the next waits for the window to end.</item>
/// <item>Responses correct the model: <c>X-RateLimit-Limit</c> sets the limit; <c>X-RateLimit-Remaining</c> reveals a
/// window just opened (its end is then one window after that answer), requests that network delay carried into the next
/// window, and requests from elsewhere on the same token;
/// a 429 holds everyone until <c>X-RateLimit-Reset</c> has passed. A request not yet answered may still reach DatoCMS
/// at any time, so it keeps counting: in its own window, and in each window that opens before its answer shows where
/// DatoCMS counted it.</item>
/// <item>Whatever the model believes of DatoCMS's boundaries, no span of a window plus a round trip holds more than the
/// limit of this instance's requests that can share DatoCMS's window: network delay shifts each by less than a round
/// trip, so DatoCMS's window cannot count more of them than that. Only a window DatoCMS showed opening, and surely over,
/// rules requests out: those it answered before that window could end.</item>
/// <item>A slot further away than the call may wait is refused at once with <see cref="RateLimitWaitTooLongException"/>,
/// reserving nothing. A read (the GET that starts every change) may wait only half as long as a write, so that under a
/// burst the changes already begun can finish and the others are refused before they spend any of DatoCMS's budget.</item>
/// </list>
/// </summary>
public sealed class DatoCmsPacer
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _window;
    private readonly int _burst;
    private readonly TimeSpan _maxWait;

    private int _limit;
    // GCRA's theoretical arrival time: slots go no earlier than this minus the burst allowance.
    private DateTimeOffset _tat;
    private DateTimeOffset _lastSlot;
    // The model of DatoCMS's current window.
    private long _windowNumber;
    private DateTimeOffset _windowEnd;
    private bool _windowConfirmed;
    private DateTimeOffset _windowOpenedAt;
    private int _sent;
    // This window's requests in the order they were sent, each with when it was answered (or failed).
    private readonly List<SentRequest> _sentAt = [];
    private long _sequence;
    // Every request of the last two windows and round trip, whichever window the model put it in (the span cap looks back
    // one window and a round trip; the second window keeps what it needs should the round trip grow), in order.
    private readonly List<SentRequest> _recent = [];
    // The latest requests DatoCMS's answer showed to have opened its window (latest first): when each was sent, and answered.
    private readonly List<(DateTimeOffset Sent, DateTimeOffset Answered)> _openers = [];
    private const int OpenersKept = 3;
    private int _spilled;
    private int _foreign;
    // Requests of earlier windows not yet answered (this window's are those in _sentAt without an answer). Until its
    // answer comes, such a request may still land in DatoCMS's current window, so it counts there (as spilled).
    private int _unansweredEarlier;
    // The longest recent time from a slot to DatoCMS's answer (follows rises at once, falls slowly): how far requests
    // may overtake one another. Until DatoCMS has first answered, a generous guess.
    private TimeSpan _roundTrip = TimeSpan.FromSeconds(1);
    private bool _roundTripMeasured;
    private long _rateLimited;
    private long _refused;
    private int _waiting;
    // Of those waiting, the ones holding a reserved slot (waiting for its time to come); the others ask again later.
    private int _holding;
    private TaskCompletionSource _noneWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DatoCmsPacer(DatoCmsOptions options, TimeProvider time)
    {
        Time = time;
        _window = options.RateLimitWindow;
        _burst = options.PacingBurst;
        _maxWait = options.MaxRateLimitWait;
        _limit = options.RateLimitPerWindow;
        _tat = _lastSlot = _windowEnd = _windowOpenedAt = time.GetUtcNow();
    }

    /// <summary>The clock pacing keeps: DatoCMS's, i.e. the wall clock outside tests.</summary>
    public TimeProvider Time { get; }

    /// <summary>The limit per window as DatoCMS last stated it.</summary>
    public int Limit { get { lock (_gate) return _limit; } }

    /// <summary>429 answers DatoCMS has given this instance.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Requests refused because their slot lay beyond what the call could wait.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The slot a request asking now would get, reserving nothing: after every slot already promised.</summary>
    public DateTimeOffset NextFree()
    {
        lock (_gate)
        {
            var now = Time.GetUtcNow();
            var at = Paced(now);
            return Max(_sent + _spilled + _foreign >= _limit ? Max(_windowEnd, now) : at, SpanCap(now));
        }
    }

    /// <summary>
    /// How many requests (at most <paramref name="atMost"/>), asking now one after another with nothing else asking, would
    /// have their slots by <paramref name="until"/>: the slots the window model and the span cap would give them, spaced
    /// <c>window / limit</c> apart, each window after this one lasting a window and a round trip (its provisional length).
    /// It errs low: it counts no burst, no catch-up after a lull, and nothing of this window's requests DatoCMS may yet
    /// show it did not count.
    /// </summary>
    public int SlotsBy(DateTimeOffset until, int atMost)
    {
        lock (_gate)
        {
            var now = Time.GetUtcNow();
            var spacing = _window / _limit;
            var span = _window + _roundTrip;
            var at = Paced(now);
            var (windowEnd, counted) = (_windowEnd, _sent + _spilled + _foreign);
            // The slots counted here follow the recent ones; the span cap looks back over both.
            var slots = new List<DateTimeOffset>(Math.Min(atMost, 1_024));
            while (slots.Count < atMost)
            {
                if (counted >= _limit) at = Max(at, windowEnd);
                at = Max(at, SpanCap(span, slots));
                if (at >= windowEnd) (windowEnd, counted) = (at + span, 0);
                if (at > until) break;
                counted++;
                slots.Add(at);
                at += spacing;
            }
            return slots.Count;
        }
    }

    /// <summary>Waits for a slot: a read may wait half of <see cref="DatoCmsOptions.MaxRateLimitWait"/>, a write all of it, neither past <paramref name="deadline"/>.</summary>
    /// <exception cref="RateLimitWaitTooLongException">The slot lies further away than the request may wait.</exception>
    public async ValueTask<PacerSlot> AcquireAsync(bool isRead, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var latest = Time.GetUtcNow() + (isRead ? _maxWait / 2 : _maxWait);
        if (deadline < latest) latest = deadline;
        lock (_gate)
        {
            if (_waiting++ == 0) _noneWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        try
        {
            while (true)
            {
                var reserved = TryReserve(latest, out var slot);
                if (!reserved)
                {
                    await Task.Delay(slot.Wait, Time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                lock (_gate) _holding++;
                try
                {
                    // Never before the slot: a timer may fire a few milliseconds early by the clock pacing keeps, and a
                    // request sent before its slot is taken, by the answers around it, for one DatoCMS counted later.
                    while (slot.At - Time.GetUtcNow() is var early && early > TimeSpan.Zero)
                        await Task.Delay(early, Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    NoAnswer(slot);   // reserved and never sent: it counts where it was reserved, and nowhere after
                    throw;
                }
                finally
                {
                    lock (_gate) _holding--;
                }
                return slot;
            }
        }
        finally
        {
            TaskCompletionSource? none = null;
            lock (_gate)
            {
                if (--_waiting == 0) none = _noneWaiting;
            }
            none?.TrySetResult();
        }
    }

    /// <summary>Requests waiting in <see cref="AcquireAsync"/> for their slot (or for their slot's time to come).</summary>
    public int Waiting { get { lock (_gate) return _waiting; } }

    /// <summary>Requests waiting for a slot they have not reserved yet (the window it lies in has not begun): each asks again then.</summary>
    public int Unreserved { get { lock (_gate) return _waiting - _holding; } }

    /// <summary>
    /// Whether a read asking now would have its slot within a read's wait (half of <see cref="DatoCmsOptions.MaxRateLimitWait"/>)
    /// even behind every request that waits for a slot it has not reserved yet: the pacer would serve it, not refuse it.
    /// </summary>
    public bool WouldServeRead()
    {
        var ahead = Unreserved;
        return SlotsBy(Time.GetUtcNow() + _maxWait / 2, atMost: ahead + 1) > ahead;
    }

    /// <summary>Completes once no request waits in <see cref="AcquireAsync"/>.</summary>
    public Task WhenNoneWaiting() { lock (_gate) return _waiting == 0 ? Task.CompletedTask : _noneWaiting.Task; }

    /// <summary>
    /// Reserves a slot in DatoCMS's current window; or, when that window is full or the next slot lies beyond it, says
    /// when to come back (<see cref="PacerSlot.At"/>) and reserves nothing: a window's end is only known once DatoCMS
    /// has answered in it, so slots are never promised in a window that has not begun.
    /// </summary>
    /// <exception cref="RateLimitWaitTooLongException">The slot, or the time to come back, is later than <paramref name="latest"/>.</exception>
    public bool TryReserve(DateTimeOffset latest, out PacerSlot slot)
    {
        lock (_gate)
        {
            var now = Time.GetUtcNow();
            var spacing = _window / _limit;
            var at = Paced(now);
            var full = _sent + _spilled + _foreign >= _limit;
            if (full) at = Max(_windowEnd, now);
            at = Max(at, SpanCap(now));
            if (at > latest)
            {
                Interlocked.Increment(ref _refused);
                throw new RateLimitWaitTooLongException(at - now);
            }

            if (at >= _windowEnd)
            {
                if (at > now)
                {
                    slot = new PacerSlot(at, at - now, Window: 0);
                    return false;
                }
                // This request opens a window. Its end is provisional until DatoCMS's answer confirms when it began:
                // DatoCMS starts counting when the request arrives, up to a round trip after it leaves, so the
                // provisional end errs late (a window opened early would spend DatoCMS's current one twice).
                _windowNumber++;
                _windowEnd = at + _window + _roundTrip;
                _windowOpenedAt = at;
                _windowConfirmed = false;
                _sent = _foreign = 0;
                _unansweredEarlier += _sentAt.Count(r => r.AnsweredAt is null);
                _spilled = _unansweredEarlier;
                _sentAt.Clear();
                // After a full window, the next one is spent evenly too, not opened with a burst.
                if (full) _tat = at + spacing * (_burst - 1);
            }
            _sent++;
            var sent = new SentRequest(++_sequence, at);
            _sentAt.Add(sent);
            _recent.Add(sent);
            _lastSlot = at;
            // Behind schedule (requests came slower for a while, or the span cap held the window's start back): what is
            // left of the window is spread evenly over what is left of it, rather than lost. Until DatoCMS's answer
            // confirms where its window ends, up to one window after the request that opened ours was sent: DatoCMS counts
            // a request from when it arrives, so a window that request opened ends no earlier (and the provisional end, a
            // round trip later, no later). The span cap bounds what a mistaken boundary can cost.
            var left = _limit - (_sent + _spilled + _foreign);
            var endsNoEarlier = _windowConfirmed ? _windowEnd : _windowOpenedAt + _window;
            if (left > 0 && (endsNoEarlier - at) / (left + 1) is var catchUp && catchUp < spacing && catchUp > TimeSpan.Zero) spacing = catchUp;
            _tat = Max(_tat, at) + spacing;
            slot = new PacerSlot(at, at - now, _windowNumber, _sequence);
            PublishRemaining();
            return true;
        }
    }

    /// <summary>Corrects the model with what DatoCMS said about its limit in answer to the request sent in <paramref name="slot"/>.</summary>
    public void Observe(PacerSlot slot, HttpResponseMessage response)
    {
        var limit = RateLimitHeaders.Limit(response);
        var remaining = RateLimitHeaders.Remaining(response);
        var reset = RateLimitHeaders.ResetDelay(response) ?? response.Headers.RetryAfter?.Delta;
        Observe(slot, (int)response.StatusCode, limit, remaining, reset);
    }

    /// <inheritdoc cref="Observe(PacerSlot, HttpResponseMessage)"/>
    public void Observe(PacerSlot slot, int status, int? limit, int? remaining, TimeSpan? reset)
    {
        lock (_gate)
        {
            var now = Time.GetUtcNow();
            var earlier = Answered(slot);
            if (_recent.BinarySearch(new SentRequest(slot.Sequence, default), BySequence) is >= 0 and var recent) _recent[recent].ObservedAt = now;
            if (limit is > 0) _limit = limit.Value;
            var roundTrip = now - slot.At;
            _roundTrip = roundTrip > _roundTrip || !_roundTripMeasured ? roundTrip : _roundTrip - (_roundTrip - roundTrip) / 8;
            _roundTripMeasured = true;

            if (status == (int)HttpStatusCode.TooManyRequests)
            {
                // DatoCMS's window is spent (by us, by others, or by its own load): nothing more until it resets. Its reset
                // is authoritative for the window this request counted against; a later window of ours only grows.
                Interlocked.Increment(ref _rateLimited);
                var resetsAt = now + (reset ?? _window);
                _windowEnd = slot.Window == _windowNumber ? resetsAt : Max(_windowEnd, resetsAt);
                _windowConfirmed = true;
                _foreign = Math.Max(_foreign, _limit);
                PublishRemaining();
                return;
            }
            if (remaining is not { } left) return;

            var counted = _limit - left;
            // DatoCMS did not count this request (an unauthenticated probe): it says nothing of where its window lies.
            if (counted < 1) return;
            if (earlier)
            {
                // Sent in an earlier window: it counts in this one too (as spilled) until its answer shows where DatoCMS
                // counted it. If it opened DatoCMS's window, or its count is no more than this window has sent, network
                // delay may have carried it past DatoCMS's boundary into the window the current requests land in, and it
                // stays counted. Otherwise it fell in the earlier window and no longer counts here. Which window counted it
                // is not known otherwise, so nothing else is learnt from it.
                if (counted == 1) Opened(slot, now);
                else if (counted > _sent + _spilled) _spilled = Math.Max(0, _spilled - 1);
                PublishRemaining();
                return;
            }

            // DatoCMS's window had begun by the time it answered: it ends within one window of this answer.
            if (!_windowConfirmed && now + _window < _windowEnd) _windowEnd = now + _window;
            // Requests of ours answered before this one was sent had reached DatoCMS before it: DatoCMS counted them before
            // it, if they fell in the same window. When its count is no more than theirs (or it is the first, the request
            // that opened DatoCMS's window), DatoCMS's window began after some of them: it began before this answer, so it
            // ends at the latest one window from now, and holds of ours at most the others it counted and those whose
            // order against this one is not known. The rest were counted in DatoCMS's previous window (our window had
            // begun too early: DatoCMS's boundary moved under us, by network delay or a change of its limit or state).
            // A request not yet answered may reach DatoCMS at any time, however long ago it was sent, so it always counts.
            bool Ahead(SentRequest r) => r.Sequence != slot.Sequence && r.AnsweredAt < slot.At;
            var ahead = _sentAt.Count(Ahead);
            if (counted == 1 || counted <= ahead)
            {
                if (counted == 1) Opened(slot, now);
                else ConfirmWindowEnd(now);
                for (int previous = ahead - (counted - 1), i = 0; previous > 0; i++)
                {
                    if (!Ahead(_sentAt[i])) continue;
                    _sentAt.RemoveAt(i--);
                    previous--;
                }
                _sent = _sentAt.Count;
                _foreign = 0;
            }
            // DatoCMS counted more than we have sent in this window: someone else uses the same token.
            _foreign = Math.Max(_foreign, counted - _sent - _spilled);
            PublishRemaining();
        }
    }

    /// <summary>The earliest slot the spacing allows (GCRA with its burst), after every slot already given (called under the lock).</summary>
    private DateTimeOffset Paced(DateTimeOffset now) => Max(Max(now, _tat - _window / _limit * (_burst - 1)), _lastSlot);

    /// <summary>
    /// The earliest slot that keeps this instance's requests to the limit in any span of a window plus a round trip (called
    /// under the lock). Whatever DatoCMS's window boundaries, the requests it counts in one window were sent within such a
    /// span (network delay moves each by less than a round trip), so they can never be more than the limit, even when
    /// the model above mistakes where a boundary lies.
    /// </summary>
    private DateTimeOffset SpanCap(DateTimeOffset now)
    {
        var span = _window + _roundTrip;
        var stale = 0;
        while (stale < _recent.Count && _recent[stale].At <= now - span - _window) stale++;
        _recent.RemoveRange(0, stale);
        return SpanCap(span, extra: null);
    }

    /// <summary>
    /// The span cap after the recent requests and <paramref name="extra"/> (slots to come, in order), counting only the
    /// requests that can share DatoCMS's window with the slot: once a window DatoCMS showed opening has surely ended
    /// (a window after its opener's answer), a request answered before that window surely ended (a window after its
    /// opener was sent) was counted in it or earlier, and cannot count with a slot after that. So a window whose start a
    /// pause held back, its requests then packed into its end, does not hold every later window back as much: the span
    /// cap alone would carry that shape, and the pause, to the last window of a burst. Called under the lock.
    /// </summary>
    private DateTimeOffset SpanCap(TimeSpan span, List<DateTimeOffset>? extra)
    {
        var best = LimitAgo(extra, countedBefore: null) is { } limitAgo ? limitAgo + span : DateTimeOffset.MinValue;
        foreach (var (sent, answered) in _openers)
        {
            var ended = answered + _window;
            if (ended >= best) continue;
            var after = LimitAgo(extra, countedBefore: sent + _window) is { } sharing ? Max(ended, sharing + span) : ended;
            if (after < best) best = after;
        }
        return best;
    }

    /// <summary>
    /// When the <c>limit</c>-th latest of the recent requests and <paramref name="extra"/> was sent, leaving out those
    /// answered before <paramref name="countedBefore"/>; null when there are fewer (called under the lock).
    /// </summary>
    private DateTimeOffset? LimitAgo(List<DateTimeOffset>? extra, DateTimeOffset? countedBefore)
    {
        var seen = 0;
        for (var i = (extra?.Count ?? 0) - 1; i >= 0; i--)
            if (++seen == _limit) return extra![i];
        for (var i = _recent.Count - 1; i >= 0; i--)
        {
            var request = _recent[i];
            if (countedBefore is { } before && request.ObservedAt < before) continue;
            if (++seen == _limit) return request.At;
        }
        return null;
    }

    /// <summary>
    /// DatoCMS counted the request sent in <paramref name="slot"/> first in its window: the window began when it arrived,
    /// between its slot and <paramref name="now"/>, and ends one window after that (called under the lock).
    /// </summary>
    private void Opened(PacerSlot slot, DateTimeOffset now)
    {
        ConfirmWindowEnd(now);
        _openers.Insert(0, (slot.At, now));
        if (_openers.Count > OpenersKept) _openers.RemoveAt(OpenersKept);
    }

    /// <summary>DatoCMS's window began (again) before this answer: it ends at the latest one window from <paramref name="now"/> (called under the lock).</summary>
    private void ConfirmWindowEnd(DateTimeOffset now)
    {
        _windowEnd = _windowConfirmed ? Max(_windowEnd, now + _window) : now + _window;
        _windowConfirmed = true;
    }

    /// <summary>
    /// The request sent in <paramref name="slot"/> got no answer (the connection failed or the call was cancelled): DatoCMS
    /// may or may not have counted it, so it stays counted in the window it was sent in, and in the next only if that one
    /// has already begun.
    /// </summary>
    public void NoAnswer(PacerSlot slot)
    {
        lock (_gate) Answered(slot);
    }

    /// <summary>Takes the request sent in <paramref name="slot"/> off the unanswered ones; true if it was sent in an earlier window (called under the lock).</summary>
    private bool Answered(PacerSlot slot)
    {
        if (slot.Window == _windowNumber)
        {
            if (_sentAt.BinarySearch(new SentRequest(slot.Sequence, default), BySequence) is >= 0 and var index) _sentAt[index].AnsweredAt = Time.GetUtcNow();
            return false;
        }
        if (slot.Window is 0 || slot.Window > _windowNumber) return false;   // 0: a slot never sent
        _unansweredEarlier = Math.Max(0, _unansweredEarlier - 1);
        return true;
    }

    /// <summary>The budget the model has left in DatoCMS's current window: what <see cref="GatewayMetrics.PacerRemaining"/> reports.</summary>
    internal int Remaining
    {
        get { lock (_gate) return RemainingInWindow; }
    }

    private int RemainingInWindow => Math.Max(0, _limit - (_sent + _spilled + _foreign));

    /// <summary>Reports <see cref="Remaining"/> (called under the lock).</summary>
    private void PublishRemaining() => GatewayMetrics.PacerRemaining.Record(RemainingInWindow);

    /// <summary>
    /// One of the recent requests: its sequence number, its slot, when its answer or failure came (while it is one of this
    /// window's), and when DatoCMS answered it: a request that failed may still have arrived after.
    /// </summary>
    private sealed class SentRequest(long sequence, DateTimeOffset at)
    {
        public long Sequence { get; } = sequence;
        public DateTimeOffset At { get; } = at;
        public DateTimeOffset? AnsweredAt { get; set; }
        public DateTimeOffset? ObservedAt { get; set; }
    }

    private static readonly Comparer<SentRequest> BySequence = Comparer<SentRequest>.Create((a, b) => a.Sequence.CompareTo(b.Sequence));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
