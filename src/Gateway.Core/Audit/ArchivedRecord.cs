using System.Text.Json.Nodes;

namespace AccessTokenGateway.Audit;

/// <summary>One record as the archive holds it: the JSON as stored, and the fields the reader sorts and filters by.</summary>
public sealed record ArchivedRecord(JsonObject Json, DateTimeOffset Time, string Chain, long Seq)
{
    public string? AuditId => (string?)Json["audit_id"];
    public string? Kind => (string?)Json["kind"];
    public string? TokenId => (string?)Json["token_id"];
    public string? Outcome => (string?)Json["outcome"];
}
