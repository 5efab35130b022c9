using System.Net;
using AccessTokenGateway.Diagnostics;

namespace AccessTokenGateway.DatoCms;

/// <summary>
/// Spends DatoCMS's rate-limit window evenly over every request of this instance, so a burst of changes flows at
/// DatoCMS's limit instead of bouncing off it. One instance per process (a singleton), shared by all calls.
/// <list type="bullet">
/// <item>Requests are spaced <c>window / limit</c> apart; after a quiet spell up to <see cref="DatoCmsOptions.PacingBurst"/>
/// go at once, so a single change (a GET and a PUT) is never slowed. When requests came slower than that, what is left
/// of the window is spread over what is left of it, so a window's budget is not lost to a lull.</item>
/// <item>A model of DatoCMS's fixed window caps what one window gets: when the requests sent in it (ours, plus any
/// DatoCMS counted that we did not send) reach the limit, the next waits for the window to end.</item>
/// <item>Responses correct the model: <c>X-RateLimit-Limit</c> sets the limit; <c>X-RateLimit-Remaining</c> reveals a
/// window just opened (its end is then one window after that answer), requests that network delay carried into the next
/// window, and requests from elsewhere on the same token;
/// a 429 holds everyone until <c>X-RateLimit-Reset</c> has passed.</item>
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
    private int _sent;
    private readonly List<DateTimeOffset> _sentAt = [];
    private int _spilled;
    private int _foreign;
    // The longest recent time from a slot to DatoCMS's answer (follows rises at once, falls slowly): how far requests
    // may overtake one another. Until DatoCMS has answered a few times, a generous guess.
    private TimeSpan _roundTrip = TimeSpan.FromSeconds(1);
    private long _rateLimited;
    private long _refused;

    public DatoCmsPacer(DatoCmsOptions options, TimeProvider time)
    {
        Time = time;
        _window = options.RateLimitWindow;
        _burst = options.PacingBurst;
        _maxWait = options.MaxRateLimitWait;
        _limit = options.RateLimitPerWindow;
        _tat = _lastSlot = _windowEnd = time.GetUtcNow();
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
            var at = Max(Max(now, _tat - _window / _limit * (_burst - 1)), _lastSlot);
            return _sent + _spilled + _foreign >= _limit ? Max(_windowEnd, now) : at;
        }
    }

    /// <summary>Waits for a slot: a read may wait half of <see cref="DatoCmsOptions.MaxRateLimitWait"/>, a write all of it, neither past <paramref name="deadline"/>.</summary>
    /// <exception cref="RateLimitWaitTooLongException">The slot lies further away than the request may wait.</exception>
    public async ValueTask<PacerSlot> AcquireAsync(bool isRead, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var latest = Time.GetUtcNow() + (isRead ? _maxWait / 2 : _maxWait);
        if (deadline < latest) latest = deadline;
        while (true)
        {
            var reserved = TryReserve(latest, out var slot);
            if (slot.Wait > TimeSpan.Zero) await Task.Delay(slot.Wait, Time, cancellationToken).ConfigureAwait(false);
            if (reserved) return slot;
        }
    }

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
            var at = Max(Max(now, _tat - spacing * (_burst - 1)), _lastSlot);
            var full = _sent + _spilled + _foreign >= _limit;
            if (full) at = Max(_windowEnd, now);
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
                _windowConfirmed = false;
                _sent = _spilled = _foreign = 0;
                _sentAt.Clear();
                // After a full window, the next one is spent evenly too, not opened with a burst.
                if (full) _tat = at + spacing * (_burst - 1);
            }
            _sent++;
            _sentAt.Add(at);
            _lastSlot = at;
            // Behind schedule (requests came slower for a while): what is left of the window is spread evenly over
            // what is left of it, rather than lost.
            var left = _limit - (_sent + _spilled + _foreign);
            if (_windowConfirmed && left > 0 && (_windowEnd - at) / (left + 1) is var catchUp && catchUp < spacing) spacing = catchUp;
            _tat = Max(_tat, at) + spacing;
            slot = new PacerSlot(at, at - now, _windowNumber);
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
            if (limit is > 0) _limit = limit.Value;
            var roundTrip = now - slot.At;
            _roundTrip = roundTrip > _roundTrip ? roundTrip : _roundTrip - (_roundTrip - roundTrip) / 8;

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
            // Sent at the very end of the previous window, but network delay carried it past DatoCMS's boundary: DatoCMS
            // counted it in the window the current requests land in (its count is tiny, not near the limit).
            var spilled = slot.Window == _windowNumber - 1 && counted <= _sent + _spilled + 1;
            if (spilled) _spilled++;
            else if (slot.Window != _windowNumber) return;

            // DatoCMS's window had begun by the time it answered: it ends within one window of this answer.
            if (!_windowConfirmed && now + _window < _windowEnd) _windowEnd = now + _window;
            if (counted == 1)
            {
                // This request opened DatoCMS's window: it began before this answer, so it ends at the latest one window
                // from now. Requests sent well before it in our window (longer before than a round trip, so they cannot
                // have overtaken it) were counted in DatoCMS's previous window: our window had begun too early, e.g.
                // because DatoCMS's limit or state changed under us. They no longer count.
                _windowEnd = _windowConfirmed ? Max(_windowEnd, now + _window) : now + _window;
                _windowConfirmed = true;
                if (!spilled) _sent = Math.Min(_sent, _sentAt.Count - CountBefore(slot.At - _roundTrip));
                _foreign = 0;
            }
            // DatoCMS counted more than we have sent in this window: someone else uses the same token.
            _foreign = Math.Max(_foreign, counted - _sent - _spilled);
            PublishRemaining();
        }
    }

    /// <summary>The budget the model has left in the current window, for <see cref="GatewayMetrics.PacerRemaining"/> (called under the lock).</summary>
    private void PublishRemaining() => GatewayMetrics.PacerRemaining.Record(Math.Max(0, _limit - (_sent + _spilled + _foreign)));

    /// <summary>Requests of the current window sent before <paramref name="time"/> (slots are handed out in time order).</summary>
    private int CountBefore(DateTimeOffset time)
    {
        var index = _sentAt.BinarySearch(time);
        if (index < 0) return ~index;
        while (index > 0 && _sentAt[index - 1] == time) index--;
        return index;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
