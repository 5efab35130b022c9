using AccessTokenGateway.DatoCms;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Resilience;

/// <summary>The pacer on a fake clock: which slot each request gets, and how DatoCMS's answers move them.</summary>
public sealed class DatoCmsPacerTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NoDeadline = DateTimeOffset.MaxValue;

    private static (DatoCmsPacer Pacer, FakeTimeProvider Time) NewPacer(int limit = 60, double windowSeconds = 3, int burst = 4, double maxWaitSeconds = 60)
    {
        var time = new FakeTimeProvider(Start);
        var options = new DatoCmsOptions
        {
            RateLimitPerWindow = limit,
            RateLimitWindow = TimeSpan.FromSeconds(windowSeconds),
            PacingBurst = burst,
            MaxRateLimitWait = TimeSpan.FromSeconds(maxWaitSeconds),
        };
        return (new DatoCmsPacer(options, time), time);
    }

    private static PacerSlot Reserve(DatoCmsPacer pacer)
    {
        Assert.True(pacer.TryReserve(NoDeadline, out var slot));
        return slot;
    }

    /// <summary>How long each of <paramref name="count"/> requests made now would wait for its slot (or for its window to begin).</summary>
    private static double[] WaitsInMs(DatoCmsPacer pacer, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => { pacer.TryReserve(NoDeadline, out var slot); return slot.Wait.TotalMilliseconds; })];

    [Fact]
    public void After_a_quiet_spell_a_burst_goes_at_once_then_requests_are_spaced_window_over_limit()
    {
        var (pacer, _) = NewPacer(limit: 60, windowSeconds: 3, burst: 4);

        Assert.Equal([0, 0, 0, 0, 50, 100, 150, 200], WaitsInMs(pacer, 8));
    }

    [Fact]
    public void After_a_lull_what_is_left_of_the_window_is_spread_over_what_is_left_of_it()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 3, burst: 1);
        var opener = Reserve(pacer);
        pacer.Observe(opener, 200, limit: 10, remaining: 9, reset: TimeSpan.FromSeconds(3));
        time.Advance(TimeSpan.FromMilliseconds(2100));                                        // nothing for most of the window

        // Nine left for 0.9 s: 100 ms apart instead of 300, and the window is used to the full.
        Assert.Equal([0, 100, 200, 300, 400, 500, 600, 700, 800, 900], WaitsInMs(pacer, 10));
    }

    [Fact]
    public void Before_DatoCMS_confirms_the_window_what_is_left_is_spread_up_to_the_earliest_it_can_end()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 3, burst: 1);
        Reserve(pacer);                                                                       // opens the window; no answer yet
        time.Advance(TimeSpan.FromMilliseconds(2100));

        // DatoCMS began counting when the opener arrived, no earlier than it was sent: its window ends at 3 s at the
        // earliest. Eight of the nine left go 100 ms apart before then; the ninth is the last of the ten the window holds
        // (300 ms later, as the spacing is again), and the next waits for the window's provisional end (a window and the
        // guessed round trip of 1 s).
        Assert.Equal([0, 100, 200, 300, 400, 500, 600, 700, 800, 1900], WaitsInMs(pacer, 10));
    }

    [Fact]
    public void Past_the_earliest_end_of_a_window_DatoCMS_has_not_answered_in_requests_are_spaced_as_usual_not_sent_at_once()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 3, burst: 1);
        Reserve(pacer);                                                                       // opens the window; no answer yet
        time.Advance(TimeSpan.FromMilliseconds(3500));                                        // past 3 s, before the provisional 4 s

        // Nothing is left to catch up to: 300 ms apart, the third at the provisional end (where the next window opens).
        Assert.Equal([0, 300, 600], WaitsInMs(pacer, 3));
    }

    /// <summary>
    /// A first window of ten per 3 s: its opener (answered with <paramref name="openerRemaining"/>), a lull of 2 s, then
    /// the rest of the budget caught up in its last second, each answered at once; the clock then at the window's end.
    /// </summary>
    private static void FirstWindowAfterALull(DatoCmsPacer pacer, FakeTimeProvider time, int openerRemaining)
    {
        var opener = Reserve(pacer);
        pacer.Observe(opener, 200, limit: 10, remaining: openerRemaining, reset: TimeSpan.FromSeconds(3));
        time.Advance(TimeSpan.FromMilliseconds(2000));
        for (var i = 0; i < openerRemaining; i++)
        {
            var slot = Reserve(pacer);
            time.Advance(slot.Wait);
            pacer.Observe(slot, 200, limit: 10, remaining: openerRemaining - 1 - i, reset: TimeSpan.FromSeconds(1));
        }
        time.Advance(Start + TimeSpan.FromSeconds(3) - time.GetUtcNow());
    }

    [Fact]
    public void A_window_whose_start_the_span_cap_holds_back_still_gets_the_limit()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 3, burst: 1);
        // Another caller's request opened DatoCMS's window (the opener's answer counts two), so where that window began
        // is not known, and every one of this instance's requests counts in the span cap.
        FirstWindowAfterALull(pacer, time, openerRemaining: 8);

        // Twenty requests ask at once as the next window opens, before DatoCMS has answered in it: two go as usual (the
        // span holds nine of this instance's), the rest only as the first window's requests leave the span of a window and
        // a round trip, 2 s on. They are caught up in the second that is left (125 ms apart, up to 2,875 ms), so the
        // window still holds ten, and the eleventh waits for the next. Spaced as usual (300 ms), it would hold six.
        var waits = WaitsInMs(pacer, 20);
        Assert.Equal([0, 300, 2000, 2125, 2250, 2375, 2500, 2625, 2750, 2875], waits[..10].Select(w => Math.Round(w)));
        Assert.Equal(10, waits.Count(w => w < 3000));
    }

    [Fact]
    public void Once_DatoCMS_showed_where_its_window_began_the_requests_it_surely_counted_there_do_not_hold_the_next_window_back()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 3, burst: 1);
        // As above, but the opener's answer shows it opened DatoCMS's window (9 remaining): the window began between its
        // slot and its answer, so it ends 3 s after the answer at the latest, and every request answered before 3 s after
        // the opener's slot arrived in it. A request sent once it has surely ended shares no window with them.
        FirstWindowAfterALull(pacer, time, openerRemaining: 9);

        // The next window is spaced as usual from its start (300 ms), not held back by the first one's lull: the span cap
        // alone would carry that second to every later window, and to the last of a burst.
        var waits = WaitsInMs(pacer, 11);
        Assert.Equal([0, 300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700], waits[..10].Select(w => Math.Round(w)));
        Assert.True(waits[10] >= 3000);
    }

    [Fact]
    public void A_request_answered_after_the_window_it_was_sent_in_may_have_ended_still_counts_in_the_span_cap()
    {
        var (pacer, time) = NewPacer(limit: 5, windowSeconds: 1, burst: 5);
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(10));
        pacer.Observe(opener, 200, limit: 5, remaining: 4, reset: TimeSpan.FromSeconds(1));   // DatoCMS's window: from 0–10 ms to 1,000–1,010 ms
        time.Advance(TimeSpan.FromMilliseconds(980));
        var slow = new[] { Reserve(pacer), Reserve(pacer), Reserve(pacer) };                  // sent at 990 ms
        time.Advance(TimeSpan.FromMilliseconds(30));
        for (var i = 0; i < slow.Length; i++) pacer.Observe(slow[i], 200, limit: 5, remaining: 3 - i, reset: TimeSpan.FromSeconds(1));

        // Answered at 1,020 ms, after DatoCMS's window may have ended: they may have arrived in the next one, so they
        // still count against it in the span cap (a window and the slowest round trip, 30 ms, from 990 ms): of five asking
        // now, two go at once and three wait until 2,020 ms.
        Assert.Equal([0, 0, 1000, 1000, 1000], WaitsInMs(pacer, 5).Select(w => Math.Round(w)));
    }

    [Fact]
    public void The_limit_is_learnt_from_X_RateLimit_Limit()
    {
        var (pacer, _) = NewPacer(limit: 60, windowSeconds: 3, burst: 1);
        var first = Reserve(pacer);

        pacer.Observe(first, 200, limit: 30, remaining: 29, reset: null);

        Assert.Equal(30, pacer.Limit);
        // The slot already promised at 50 ms stands; from then on requests are 100 ms apart.
        Assert.Equal([50, 150, 250], WaitsInMs(pacer, 3));
    }

    [Fact]
    public void A_window_never_gets_more_than_the_limit_and_ends_one_window_after_the_answer_that_opened_it()
    {
        var (pacer, time) = NewPacer(limit: 5, windowSeconds: 1, burst: 5);
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(30));
        pacer.Observe(opener, 200, limit: 5, remaining: 4, reset: TimeSpan.FromSeconds(1));

        var waits = WaitsInMs(pacer, 5);

        // Four more fit in the window DatoCMS opened 30 ms ago; the fifth waits until one window after that answer.
        Assert.Equal([0, 0, 0, 0, 1000], waits);
    }

    [Fact]
    public void When_DatoCMS_opened_its_window_after_ours_began_what_was_answered_before_no_longer_counts()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 3, burst: 100);
        var learn = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(20));
        pacer.Observe(learn, 200, limit: 10, remaining: 5, reset: TimeSpan.FromSeconds(1));   // DatoCMS's window began before ours
        var before = new[] { Reserve(pacer), Reserve(pacer), Reserve(pacer) };                // sent before DatoCMS's window began
        time.Advance(TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < before.Length; i++) pacer.Observe(before[i], 200, limit: 10, remaining: 4 - i, reset: TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMilliseconds(1480));
        var opener = Reserve(pacer);
        var overtaken = Reserve(pacer);                                                       // same instant: may reach DatoCMS first
        time.Advance(TimeSpan.FromMilliseconds(10));

        pacer.Observe(opener, 200, limit: 10, remaining: 9, reset: TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.Zero, overtaken.Wait);
        // In DatoCMS's window two count and eight more fit: the ninth waits for its end. Four of them go at once; the
        // other four wait until the requests sent at the start leave the span of a window and a round trip (18.75 ms),
        // in which this instance never sends more than the limit, wherever DatoCMS's boundary lies. The ninth waits for
        // the window's end: the requests answered before the opener's slot and a window cannot count with it.
        Assert.Equal([0, 0, 0, 0, 1488.75, 1508.75, 1508.75, 1508.75, 3000], WaitsInMs(pacer, 9));
    }

    [Fact]
    public void No_span_of_a_window_and_a_round_trip_gets_more_than_the_limit_whatever_the_model_believes_of_DatoCMS_boundaries()
    {
        var (pacer, time) = NewPacer(limit: 5, windowSeconds: 1, burst: 5);
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(200));
        pacer.Observe(opener, 200, limit: 5, remaining: 4, reset: TimeSpan.FromSeconds(1));   // a round trip of 200 ms
        var others = new[] { Reserve(pacer), Reserve(pacer), Reserve(pacer) };               // three more, at 200 ms
        time.Advance(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < others.Length; i++) pacer.Observe(others[i], 200, limit: 5, remaining: 3 - i, reset: TimeSpan.FromSeconds(1));

        // The model's window ends one window after the opener's answer (1,200 ms) and was not full, so the next opens
        // with a burst of five. The three sent at 200 ms were answered at 400 ms, before DatoCMS's window could end (1 s
        // after the opener's slot at the earliest): DatoCMS counted them in it, so they cannot count with the five.
        time.Advance(TimeSpan.FromMilliseconds(800));
        Assert.Equal([0, 0, 0, 0, 0], WaitsInMs(pacer, 5));
    }

    [Fact]
    public void A_request_unanswered_when_a_window_opens_counts_in_it_until_its_answer_shows_where_DatoCMS_counted_it()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 1, burst: 10);
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(10));
        pacer.Observe(opener, 200, limit: 10, remaining: 9, reset: TimeSpan.FromSeconds(1));
        var answered = Enumerable.Range(0, 5).Select(_ => Reserve(pacer)).ToList();
        var late = new[] { Reserve(pacer), Reserve(pacer), Reserve(pacer) };                  // still on their way at the boundary
        for (var i = 0; i < answered.Count; i++) pacer.Observe(answered[i], 200, limit: 10, remaining: 8 - i, reset: TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMilliseconds(2000));

        // A new window: besides the request that opens it, the three unanswered may yet land in it.
        Reserve(pacer);
        Assert.Equal(10 - 1 - 3, pacer.Remaining);

        // Two answer with counts only the earlier window could have reached (7th and 8th): they no longer count here. The
        // third has not answered and still does.
        pacer.Observe(late[0], 200, limit: 10, remaining: 3, reset: TimeSpan.FromSeconds(1));
        pacer.Observe(late[1], 200, limit: 10, remaining: 2, reset: TimeSpan.FromSeconds(1));
        Assert.Equal(10 - 1 - 1, pacer.Remaining);
        // One that answers with a count the new window can hold (the 2nd) was carried into it, and stays counted.
        pacer.Observe(late[2], 200, limit: 10, remaining: 8, reset: TimeSpan.FromSeconds(1));
        Assert.Equal(10 - 1 - 1, pacer.Remaining);
    }

    [Fact]
    public void A_request_that_got_no_answer_stops_counting_once_the_window_after_it_opens()
    {
        var (pacer, time) = NewPacer(limit: 3, windowSeconds: 1, burst: 3);
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(10));
        pacer.Observe(opener, 200, limit: 3, remaining: 2, reset: TimeSpan.FromSeconds(1));
        var lost = Reserve(pacer);
        pacer.NoAnswer(lost);                                                                 // the connection failed
        time.Advance(TimeSpan.FromMilliseconds(2000));

        Reserve(pacer);
        Assert.Equal(2, pacer.Remaining);                                                     // the next window is whole
    }

    [Fact]
    public void A_request_not_yet_answered_counts_in_the_window_DatoCMS_opened_however_long_ago_it_was_sent()
    {
        var (pacer, time) = NewPacer(limit: 5, windowSeconds: 1, burst: 5);
        var first = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(5));
        pacer.Observe(first, 200, limit: 5, remaining: 2, reset: TimeSpan.FromSeconds(1));    // DatoCMS's window began before ours
        Reserve(pacer);                                                                       // a round trip is 5 ms; this one stalls
        time.Advance(TimeSpan.FromMilliseconds(695));
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(5));

        pacer.Observe(opener, 200, limit: 5, remaining: 4, reset: TimeSpan.FromSeconds(1));   // it opened DatoCMS's next window

        // The first was answered before the opener left, so DatoCMS counted it in the window before. The stalled one was
        // sent 700 ms before, far longer than a round trip, but it has not been answered: it may still arrive, in this window.
        Assert.Equal(5 - 2, pacer.Remaining);
    }

    [Fact]
    public void An_answer_DatoCMS_did_not_count_changes_nothing()
    {
        var (pacer, time) = NewPacer(limit: 5, windowSeconds: 1, burst: 5);
        var opener = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(5));
        pacer.Observe(opener, 200, limit: 5, remaining: 4, reset: TimeSpan.FromSeconds(1));
        var probe = Reserve(pacer);                                                           // GET /site: not counted
        time.Advance(TimeSpan.FromMilliseconds(5));

        pacer.Observe(probe, 401, limit: 5, remaining: 5, reset: TimeSpan.FromSeconds(1));

        Assert.Equal(5 - 2, pacer.Remaining);
    }

    [Fact]
    public void Requests_DatoCMS_counted_from_elsewhere_shrink_what_this_instance_sends_in_the_window()
    {
        var (pacer, _) = NewPacer(limit: 10, windowSeconds: 3, burst: 10);
        var first = Reserve(pacer);
        pacer.Observe(first, 200, limit: 10, remaining: 4, reset: TimeSpan.FromSeconds(3));  // six counted, one of them ours

        var waits = WaitsInMs(pacer, 5);

        Assert.Equal([0, 0, 0, 0, 3000], waits);
    }

    [Fact]
    public void Remaining_zero_holds_every_request_until_the_window_ends()
    {
        var (pacer, _) = NewPacer(limit: 10, windowSeconds: 3, burst: 10);
        var first = Reserve(pacer);

        pacer.Observe(first, 200, limit: 10, remaining: 0, reset: TimeSpan.FromSeconds(3));

        Assert.Equal([3000], WaitsInMs(pacer, 1));
    }

    [Fact]
    public void A_429_holds_every_request_until_X_RateLimit_Reset_has_passed()
    {
        var (pacer, time) = NewPacer(limit: 60, windowSeconds: 3, burst: 4);
        var first = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(10));

        pacer.Observe(first, 429, limit: 60, remaining: 0, reset: TimeSpan.FromSeconds(2));

        Assert.Equal([2000], WaitsInMs(pacer, 1));
        Assert.Equal(1, pacer.RateLimited);
    }

    [Fact]
    public void A_429_that_carries_only_X_RateLimit_headers_and_no_Retry_After_holds_requests_for_its_reset()
    {
        // DatoCMS's own 429 says when in X-RateLimit-Reset; nothing may depend on a Retry-After it does not send.
        var (pacer, time) = NewPacer(limit: 60, windowSeconds: 3, burst: 4);
        var first = Reserve(pacer);
        time.Advance(TimeSpan.FromMilliseconds(10));
        using var answer = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        answer.Headers.Add("X-RateLimit-Limit", "30");
        answer.Headers.Add("X-RateLimit-Remaining", "0");
        answer.Headers.Add("X-RateLimit-Reset", "2");

        pacer.Observe(first, answer);

        Assert.Equal([2000], WaitsInMs(pacer, 1));
        Assert.Equal((30, 1L), (pacer.Limit, pacer.RateLimited));
    }

    [Fact]
    public void A_slot_beyond_the_allowed_wait_is_refused_with_its_retry_after_and_reserves_nothing()
    {
        var (pacer, time) = NewPacer(limit: 60, windowSeconds: 3, burst: 4);
        var first = Reserve(pacer);
        pacer.Observe(first, 429, limit: 60, remaining: 0, reset: TimeSpan.FromSeconds(3));

        var refused = Assert.Throws<RateLimitWaitTooLongException>(() => pacer.TryReserve(time.GetUtcNow() + TimeSpan.FromSeconds(2), out _));
        time.Advance(TimeSpan.FromSeconds(3));
        var later = Reserve(pacer);

        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Equal(1, pacer.Refused);
        Assert.Equal(TimeSpan.Zero, later.Wait);
    }

    [Fact]
    public async Task A_read_may_wait_half_as_long_as_a_write_and_no_wait_may_pass_the_call_deadline()
    {
        var (pacer, time) = NewPacer(limit: 10, windowSeconds: 10, burst: 1, maxWaitSeconds: 4);
        _ = WaitsInMs(pacer, 3);                                                 // slots at 0, 1 and 2 s

        await Assert.ThrowsAsync<RateLimitWaitTooLongException>(async () => await pacer.AcquireAsync(isRead: true, NoDeadline, CancellationToken.None));   // 3 s > 4 s / 2
        await Assert.ThrowsAsync<RateLimitWaitTooLongException>(async () => await pacer.AcquireAsync(isRead: false, time.GetUtcNow() + TimeSpan.FromSeconds(2), CancellationToken.None));
        Assert.False(pacer.AcquireAsync(isRead: false, NoDeadline, CancellationToken.None).IsCompleted);     // 3 s <= 4 s
        Assert.Equal(2, pacer.Refused);
    }

    [Fact]
    public async Task AcquireAsync_returns_when_the_clock_reaches_the_slot()
    {
        var (pacer, time) = NewPacer(limit: 60, windowSeconds: 3, burst: 1);
        await pacer.AcquireAsync(isRead: true, NoDeadline, CancellationToken.None);

        var waiting = pacer.AcquireAsync(isRead: false, NoDeadline, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(50));

        var slot = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Start + TimeSpan.FromMilliseconds(50), slot.At);
    }

    /// <summary>A clock whose timers fire a few milliseconds early, as the wall clock's may (timers keep another clock).</summary>
    private sealed class EarlyTimers(FakeTimeProvider inner, TimeSpan early) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime, period);
    }

    [Fact]
    public async Task A_timer_that_fires_early_does_not_send_the_request_before_its_slot()
    {
        // Sent early, a request is taken (by the answers around it) for one DatoCMS counted later than it did: the model
        // then "sees" its window begin again, takes a request off the count and moves the window's end a second on.
        var fake = new FakeTimeProvider(Start);
        var pacer = new DatoCmsPacer(new DatoCmsOptions { RateLimitPerWindow = 60, RateLimitWindow = TimeSpan.FromSeconds(3), PacingBurst = 1 },
            new EarlyTimers(fake, TimeSpan.FromMilliseconds(3)));
        await pacer.AcquireAsync(isRead: true, NoDeadline, CancellationToken.None);

        var waiting = pacer.AcquireAsync(isRead: false, NoDeadline, CancellationToken.None).AsTask();
        fake.Advance(TimeSpan.FromMilliseconds(47));                                          // its timer fires
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(200)));              // a chance to go too early
        Assert.False(waiting.IsCompleted);
        fake.Advance(TimeSpan.FromMilliseconds(3));

        var slot = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Start + TimeSpan.FromMilliseconds(50), slot.At);
        Assert.True(fake.GetUtcNow() >= slot.At);
    }

    [Fact]
    public async Task A_request_cancelled_while_it_waits_for_its_slot_stops_counting_once_the_window_after_it_opens()
    {
        var (pacer, time) = NewPacer(limit: 3, windowSeconds: 1, burst: 1);
        var opener = await pacer.AcquireAsync(isRead: true, NoDeadline, CancellationToken.None);
        pacer.Observe(opener, 200, limit: 3, remaining: 2, reset: TimeSpan.FromSeconds(1));
        using var caller = new CancellationTokenSource();
        var waiting = pacer.AcquireAsync(isRead: false, NoDeadline, caller.Token).AsTask();   // its slot is reserved, a third of a window on
        Assert.False(waiting.IsCompleted);

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        time.Advance(TimeSpan.FromMilliseconds(2000));

        Reserve(pacer);
        Assert.Equal(2, pacer.Remaining);                                                     // the next window is whole: nothing was left counting
    }

    /// <summary>
    /// Twelve workers (the queue listener's concurrency) each making 1,000 / 12 changes of a GET and a PUT, against a
    /// fixed-window limiter like DatoCMS's, with random network delays that reorder requests: not one 429.
    /// </summary>
    [Theory]
    [InlineData(60, 1)]    // one answer, and the round trip is measured (until then the pacer guesses 1 s, and counts low)
    [InlineData(60, 20)]
    [InlineData(60, 60)]   // the window spent: the next slots are the next window's
    [InlineData(30, 1)]
    [InlineData(30, 25)]
    [InlineData(10, 7)]
    public void SlotsBy_counts_no_more_slots_than_requests_asking_one_after_another_then_get_and_not_much_fewer(int limit, int alreadySent)
    {
        var (pacer, time) = NewPacer(limit: limit, windowSeconds: 3, burst: 4);
        var datoCms = new FixedWindow(limit, TimeSpan.FromSeconds(3));
        for (var i = 0; i < alreadySent; i++) SendAndAnswer(pacer, time, datoCms, DateTimeOffset.MaxValue);
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(6);

        var counted = pacer.SlotsBy(until, atMost: 1_000);
        var got = 0;
        while (SendAndAnswer(pacer, time, datoCms, until)) got++;

        Assert.InRange(counted, got - limit / 10 - 1, got);
        Assert.Equal(0L, pacer.RateLimited);
    }

    [Fact]
    public void SlotsBy_counts_the_slots_already_promised_to_requests_still_waiting_for_theirs()
    {
        var (pacer, time) = NewPacer(limit: 60, windowSeconds: 3, burst: 4);
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(4);
        var before = pacer.SlotsBy(until, atMost: 1_000);
        for (var i = 0; i < 55; i++) Reserve(pacer);   // promised, over the next 2.75 s

        // Five are left in this window; the next one (a round trip after this window's provisional end) opens at 4 s.
        Assert.Equal((61, 6, 3), (before, pacer.SlotsBy(until, atMost: 1_000), pacer.SlotsBy(until, atMost: 3)));
    }

    [Fact]
    public void SlotsBy_stops_at_what_the_caller_needs_however_high_the_limit()
    {
        // A limit of a million per window (a DatoCMS that never limits): two million slots in 6 s, none of them counted.
        var (pacer, time) = NewPacer(limit: 1_000_000, windowSeconds: 3, burst: 4);
        for (var i = 0; i < 5_000; i++) Reserve(pacer);

        Assert.Equal(64, pacer.SlotsBy(time.GetUtcNow() + TimeSpan.FromSeconds(6), atMost: 64));
    }

    /// <summary>One request asking now, sent at its slot and answered at once; false (nothing reserved) once its slot would come after <paramref name="until"/>.</summary>
    private static bool SendAndAnswer(DatoCmsPacer pacer, FakeTimeProvider time, FixedWindow datoCms, DateTimeOffset until)
    {
        while (true)
        {
            if (pacer.NextFree() > until) return false;
            var reserved = pacer.TryReserve(NoDeadline, out var slot);
            if (slot.At > time.GetUtcNow()) time.SetUtcNow(slot.At);
            if (!reserved) continue;
            var (status, remaining, reset) = datoCms.Hit(time.GetUtcNow());
            pacer.Observe(slot, status, datoCms.Limit, remaining, reset);
            return true;
        }
    }

    /// <summary>DatoCMS's limiter: a fixed window opened by the first request after the last one ended.</summary>
    private sealed class FixedWindow(int limit, TimeSpan window)
    {
        private DateTimeOffset _start = DateTimeOffset.MinValue;
        private int _count;

        public int Limit => limit;

        public (int Status, int Remaining, TimeSpan Reset) Hit(DateTimeOffset at)
        {
            if (at >= _start + window) (_start, _count) = (at, 0);
            _count++;
            var reset = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((_start + window - at).TotalSeconds)));
            return _count > limit ? (429, 0, reset) : (200, limit - _count, reset);
        }
    }

    [Theory]
    [InlineData(60, 1, 0)]
    [InlineData(60, 25, 0)]
    [InlineData(60, 100, 0)]
    [InlineData(30, 100, 0)]
    [InlineData(10, 250, 0)]
    [InlineData(10, 1_000, 0)]    // a loaded machine: delays of up to a second each way carry requests across boundaries
    [InlineData(10, 2_000, 0)]
    [InlineData(30, 1_000, 0)]
    [InlineData(60, 1_000, 0)]
    [InlineData(60, 25, 2_000)]   // callers that pause up to 2 s between requests: windows with lulls, then catch-up
    [InlineData(60, 5, 0, 2_000)] // fast, but one request in twenty stalls for up to 2 s (a GC pause, a starved thread pool)
    [InlineData(10, 5, 0, 2_000)]
    public void A_sustained_burst_of_concurrent_changes_never_meets_a_429(int limit, int maxDelayMs, int maxPauseMs, int stallMs = 0)
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var (pacer, time) = NewPacer(limit: limit, windowSeconds: 3, burst: 4);
            var simulation = new FixedWindowSimulation(pacer, time, limit, TimeSpan.FromSeconds(3), maxDelayMs, seed, maxPauseMs, stallMs);

            var (served, rateLimited) = simulation.Run(workers: 12, requests: 2_000);

            Assert.Equal((2_000, 0, 0L), (served, rateLimited, pacer.RateLimited));
        }
    }

    /// <summary>A discrete-event run of workers → pacer → network → a fixed-window limiter, on the fake clock.</summary>
    private sealed class FixedWindowSimulation(DatoCmsPacer pacer, FakeTimeProvider time, int limit, TimeSpan window, int maxDelayMs, int seed, int maxPauseMs, int stallMs)
    {
        private readonly PriorityQueue<Action, (DateTimeOffset At, long Order)> _events = new();
        private readonly Random _random = new(seed);
        private long _order;
        private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
        private int _inWindow;

        public (int Served, int RateLimited) Run(int workers, int requests)
        {
            var served = 0;
            var rateLimited = 0;
            var started = 0;
            void Next(DateTimeOffset at)
            {
                if (started >= requests) return;
                started++;
                Schedule(at, Send);
            }
            void Send()
            {
                // A request told to come back later (its window has not begun) tries again then, as AcquireAsync does.
                if (!pacer.TryReserve(DateTimeOffset.MaxValue, out var slot))
                {
                    Schedule(slot.At, Send);
                    return;
                }
                var hit = slot.At + Delay();
                Schedule(hit, () =>
                {
                    var (status, remaining, reset) = Hit(hit);
                    Schedule(hit + Delay(), () =>
                    {
                        pacer.Observe(slot, status, limit, remaining, reset);
                        if (status == 429) rateLimited++; else served++;
                        if (status == 429) started--;   // its retry is one more request to make
                        Next(time.GetUtcNow() + TimeSpan.FromMilliseconds(_random.Next(0, maxPauseMs + 1)));
                    });
                });
            }

            for (var i = 0; i < workers; i++) Next(time.GetUtcNow());
            while (_events.TryDequeue(out var action, out var key))
            {
                if (key.At > time.GetUtcNow()) time.SetUtcNow(key.At);
                action();
            }
            return (served, rateLimited);
        }

        private TimeSpan Delay() => TimeSpan.FromMilliseconds(
            stallMs > 0 && _random.Next(20) == 0 ? _random.Next(0, stallMs + 1) : _random.Next(0, maxDelayMs + 1));

        private void Schedule(DateTimeOffset at, Action action) => _events.Enqueue(action, (at, _order++));

        private (int Status, int Remaining, TimeSpan Reset) Hit(DateTimeOffset at)
        {
            if (at >= _windowStart + window) (_windowStart, _inWindow) = (at, 0);
            _inWindow++;
            var reset = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((_windowStart + window - at).TotalSeconds)));
            return _inWindow > limit ? (429, 0, reset) : (200, limit - _inWindow, reset);
        }
    }
}
