using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>
/// The reconciler's two passes over the archive (<see cref="IntentsWithoutOutcome"/>, <see cref="DueIntents"/>): what
/// they keep is bounded by the intents still open, counted while many settled records stream past.
/// </summary>
public sealed class ReconcilerPassesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_first_pass_over_many_settled_changes_keeps_no_more_than_the_change_in_flight()
    {
        var pass = new IntentsWithoutOutcome();
        var most = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var at = Start.AddSeconds(i);
            pass.Add(Record($"a{i}", "intent", "312", at, before: State($"name {i}")));
            most = Math.Max(most, pass.Count);
            pass.Add(Record($"a{i}", "outcome", "312", at.AddMilliseconds(10), outcome: "applied", before: State($"name {i}")));
            pass.Add(Record($"r{i}", "outcome", "312", at.AddMilliseconds(20), outcome: "rejected"));
        }

        Assert.Equal(1, most);
        Assert.Equal(0, pass.Count);
        Assert.Empty(pass.Between(Start, Start.AddDays(1)));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("gave_up")]
    public void An_intent_whose_only_outcome_does_not_settle_it_is_kept_with_its_latest_attempt(string outcome)
    {
        var pass = new IntentsWithoutOutcome();
        pass.Add(Record("open", "intent", "312", Start));
        pass.Add(Record("open", "outcome", "312", Start.AddSeconds(1), outcome: outcome));
        pass.Add(Record("open", "intent", "312", Start.AddSeconds(30)));

        var kept = Assert.Single(pass.Between(Start, Start.AddMinutes(1)));
        Assert.Equal(Start.AddSeconds(30), kept.Time);
        Assert.Empty(pass.Between(Start, Start.AddSeconds(29)));   // its latest intent is not due yet
    }

    [Fact]
    public void An_intent_the_reconciler_is_done_with_is_never_a_candidate_again_and_is_forgotten_with_the_look_back()
    {
        var pass = new IntentsWithoutOutcome();
        var intent = Record("done", "intent", "312", Start);
        pass.Add(intent);
        pass.Done(intent);
        pass.Add(intent);   // read again, from the start of its chain after a second pass
        Assert.Empty(pass.Between(Start, Start.AddDays(1)));
        Assert.Equal(1, pass.Count);

        pass.ForgetBefore(Start.AddSeconds(1));
        Assert.Equal(0, pass.Count);
    }

    [Fact]
    public void A_settled_outcome_read_before_its_intent_leaves_a_candidate_the_second_pass_drops()
    {
        // The reconciler's outcome sits in a chain read before the intent's.
        var records = new[]
        {
            Record("crossed", "outcome", "312", Start.AddMinutes(6), outcome: "applied"),
            Record("crossed", "intent", "312", Start),
            Record("open", "intent", "313", Start),
        };
        var first = new IntentsWithoutOutcome();
        foreach (var r in records) first.Add(r);
        Assert.Equal(2, first.Count);

        var second = new DueIntents(first.Between(Start, Start.AddMinutes(5)));
        foreach (var r in records) second.Add(r);

        Assert.Equal(["open"], second.Open().Select(o => o.Intent.AuditId));
    }

    [Fact]
    public void The_second_pass_keeps_one_before_per_open_intent_the_next_change_after_it_however_many_follow()
    {
        var intent = Record("open", "intent", "312", Start.AddMinutes(1));
        var check = new DueIntents([intent]);
        check.Add(Record("earlier", "intent", "312", Start, before: State("before the intent")));
        check.Add(Record("open", "outcome", "312", Start.AddMinutes(2), outcome: "unknown", before: State("its own record")));
        for (var i = 20_000; i > 0; i--)   // read newest first: the earliest must still win
        {
            check.Add(Record($"later{i}", "intent", "312", Start.AddMinutes(1).AddSeconds(i), before: State($"later {i}")));
            check.Add(Record($"other{i}", "intent", "999", Start.AddMinutes(1).AddSeconds(i), before: State("another token")));
            Assert.Equal((1, 1), check.Kept);
        }

        var (kept, nextBefore) = Assert.Single(check.Open());
        Assert.Same(intent, kept);
        Assert.Equal("later 1", (string?)nextBefore!["name"]);
    }

    [Fact]
    public void With_no_change_after_it_an_open_intent_has_no_next_before()
    {
        var check = new DueIntents([Record("open", "intent", "312", Start)]);
        check.Add(Record("other", "intent", "313", Start.AddMinutes(1), before: State("another token")));
        Assert.Null(Assert.Single(check.Open()).NextBefore);
    }

    private static JsonObject State(string name) => new()
    {
        ["name"] = name, ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = "1",
    };

    private static ArchivedRecord Record(string auditId, string kind, string tokenId, DateTimeOffset at, string? outcome = null, JsonObject? before = null)
    {
        var json = new JsonObject { ["audit_id"] = auditId, ["kind"] = kind, ["token_id"] = tokenId, ["time"] = at.ToString("O") };
        if (outcome is not null) json["outcome"] = outcome;
        if (before is not null) json["before"] = before;
        return new ArchivedRecord(json, at, "2026-12-01/host-0001", 0);
    }
}
