using System.Globalization;
using System.Text.Json.Nodes;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Audit;

/// <summary>
/// A read of the audit trail (<c>GET /api/audit</c>): records of one token (<c>token_id</c>), with one outcome
/// (<c>outcome</c>), between <c>since</c> and <c>until</c> (RFC 3339; the last 30 days by default, at most
/// <see cref="MaxRange"/>), newest first, <c>page[limit]</c> at a time (100 by default, at most 500), the next page
/// from <c>page[cursor]</c> (the previous answer's <c>meta.next_cursor</c>).
/// </summary>
public sealed record AuditQuery(string? TokenId, string? Outcome, DateTimeOffset Since, DateTimeOffset Until, int Limit, AuditCursor? After)
{
    public const string InvalidQueryCode = "INVALID_QUERY";
    public const int DefaultLimit = 100, MaxLimit = 500;
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);

    /// <summary>The outcomes a record can name.</summary>
    public static readonly IReadOnlySet<string> Outcomes = new HashSet<string>(StringComparer.Ordinal)
    {
        "applied", "no_change", "dry_run", "rejected", "failed", "unknown", "gave_up", "not_applied",
    };

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "token_id", "outcome", "since", "until", "page[limit]", "page[cursor]" };

    /// <summary>The query, or the refusal naming the parameter at fault (a 400 error document's details).</summary>
    public static (AuditQuery? Query, JsonObject? Error) Parse(IEnumerable<KeyValuePair<string, string?>> parameters, DateTimeOffset now)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (!Known.Contains(name)) return Refuse(name, "UNKNOWN_PARAMETER", "Not a parameter of this endpoint.");
            if (!values.TryAdd(name, value ?? "")) return Refuse(name, "DUPLICATE_PARAMETER", "Given more than once.");
        }

        string? tokenId = null, outcome = null;
        if (values.TryGetValue("token_id", out var id) && !Ids.IsValid(tokenId = id)) return Refuse("token_id", "INVALID", "Not a DatoCMS id.");
        if (values.TryGetValue("outcome", out var o) && !Outcomes.Contains(outcome = o))
            return Refuse("outcome", "INVALID", "One of " + string.Join(", ", Outcomes.Order(StringComparer.Ordinal)) + ".");

        var until = now;
        if (values.TryGetValue("until", out var u) && !DateParsing.TryParseInstant(u, out until)) return Refuse("until", "INVALID", "An RFC 3339 instant.");
        var since = until - DefaultRange;
        if (values.TryGetValue("since", out var s) && !DateParsing.TryParseInstant(s, out since)) return Refuse("since", "INVALID", "An RFC 3339 instant.");
        if (since > until) return Refuse("since", "INVALID", "Later than until.");
        if (until - since > MaxRange) return Refuse("since", "RANGE_TOO_LONG", "since and until are at most 366 days apart.");

        var limit = DefaultLimit;
        if (values.TryGetValue("page[limit]", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return Refuse("page[limit]", "INVALID", $"A whole number from 1 to {MaxLimit}.");
        AuditCursor? after = null;
        if (values.TryGetValue("page[cursor]", out var c) && (after = AuditCursor.Parse(c)) is null) return Refuse("page[cursor]", "INVALID", "Not a cursor this endpoint gave.");

        return (new AuditQuery(tokenId, outcome, since, until, limit, after), null);
    }

    public bool Matches(ArchivedRecord record) =>
        record.Time >= Since && record.Time <= Until
        && (TokenId is null || string.Equals(record.TokenId, TokenId, StringComparison.Ordinal))
        && (Outcome is null || string.Equals(record.Outcome, Outcome, StringComparison.Ordinal));

    private static (AuditQuery?, JsonObject?) Refuse(string parameter, string code, string message) =>
        (null, new JsonObject { ["field"] = parameter, ["code"] = code, ["message"] = message });
}
