using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using CsCheck;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>
/// The two streaming passes (<see cref="IntentsWithoutOutcome"/>, then <see cref="DueIntents"/>) judged against the
/// reconciler's rule applied to every record at once, as it was before the passes: for any records in any order
/// (chains read in any order), the same intents are open, with the same next <c>before</c>.
/// </summary>
public sealed class ReconcilerPassesPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = Start.AddMinutes(2);
    private static readonly DateTimeOffset Due = Start.AddMinutes(35);
    private static readonly string[] Outcomes = ["applied", "no_change", "dry_run", "rejected", "failed", "not_applied", "unknown", "gave_up"];
    /// <summary>A fixed seed: the same archives every run.</summary>
    private const string Seed1 = "0N7dCrZ4oYq1";

    private static readonly Gen<List<ArchivedRecord>> Archive =
        Gen.Select(Gen.Int[0, 7], Gen.Bool, Gen.Int[0, Outcomes.Length - 1], Gen.Int[0, 2], Gen.Int[0, 40], Gen.Int[-1, 3])
            .List[0, 40]
            .Select(specs => specs.Select((s, i) => Record($"id{s.Item1}", s.Item2 ? "intent" : "outcome", s.Item2 ? null : Outcomes[s.Item3],
                $"31{s.Item4}", Start.AddMinutes(s.Item5).AddMilliseconds(i), s.Item6 < 0 ? null : $"state {s.Item6}")).ToList());

    [Fact]
    public void The_passes_find_what_reading_every_record_at_once_finds()
    {
        Archive.Sample(records =>
        {
            var first = new IntentsWithoutOutcome();
            foreach (var record in records) first.Add(record);
            var second = new DueIntents(first.Between(From, Due));
            foreach (var record in records) second.Add(record);

            var actual = second.Open().Select(o => (o.Intent.AuditId, (string?)o.NextBefore?["name"])).ToList();
            Assert.Equal(Expected(records), actual);
        }, seed: Seed1, iter: 5_000, print: r => string.Join("\n", r.Select(x => x.Json.ToJsonString())));
    }

    /// <summary>The rule on the whole archive at once: the reconciler's query before it streamed.</summary>
    private static List<(string?, string?)> Expected(List<ArchivedRecord> records) =>
        records.GroupBy(r => r.AuditId!)
            .Where(g => !g.Any(r => r.Settles))
            .Select(g => g.Where(r => r.Kind == "intent").MaxBy(r => r.Time))
            .Where(intent => intent is not null && intent.Time >= From && intent.Time <= Due)
            .OrderBy(intent => intent!.Time)
            .Select(intent => (intent!.AuditId, records
                .Where(r => r.TokenId == intent.TokenId && r.AuditId != intent.AuditId && r.Time > intent.Time && r.Json["before"] is not null)
                .OrderBy(r => r.Time)
                .Select(r => (string?)r.Json["before"]!["name"])
                .FirstOrDefault()))
            .ToList();

    private static ArchivedRecord Record(string auditId, string kind, string? outcome, string tokenId, DateTimeOffset at, string? before)
    {
        var json = new JsonObject { ["audit_id"] = auditId, ["kind"] = kind, ["token_id"] = tokenId, ["time"] = at.ToString("O") };
        if (outcome is not null) json["outcome"] = outcome;
        if (before is not null) json["before"] = new JsonObject { ["name"] = before };
        return new ArchivedRecord(json, at, "2026-12-01/host-0001", 0);
    }
}
