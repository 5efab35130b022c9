using System.Text.Json.Nodes;

namespace AccessTokenGateway.Audit;

/// <summary>One record as the archive holds it: the JSON as stored, and the fields the reader sorts and filters by.</summary>
public sealed record ArchivedRecord(JsonObject Json, DateTimeOffset Time, string Chain, long Seq)
{
    /// <summary>Outcomes that settle an intent: whatever the trail says beyond these, the change's fate is known.</summary>
    private static readonly HashSet<string> SettledOutcomes = new(StringComparer.Ordinal) { "applied", "no_change", "dry_run", "rejected", "failed", "not_applied" };

    public string? AuditId => (string?)Json["audit_id"];
    public string? Kind => (string?)Json["kind"];
    public string? TokenId => (string?)Json["token_id"];
    public string? Outcome => (string?)Json["outcome"];

    /// <summary>True for an outcome that settles its audit id's intent (<c>unknown</c> and <c>gave_up</c> do not).</summary>
    public bool Settles => Kind == "outcome" && Outcome is { } outcome && SettledOutcomes.Contains(outcome);
}
