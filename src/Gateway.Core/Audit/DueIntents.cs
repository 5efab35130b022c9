using System.Text.Json.Nodes;

namespace AccessTokenGateway.Audit;

/// <summary>
/// The reconciler's second pass, over the intents the first left (<see cref="IntentsWithoutOutcome"/>): any settled
/// outcome under their audit id, wherever it was read, drops one; and for each token, the <c>before</c> of the next
/// recorded change after each intent (the state that change found, so the state the intent's change left). What is
/// kept is those intents and one <c>before</c> each, whatever the pass reads.
/// </summary>
public sealed class DueIntents
{
    private readonly Dictionary<string, Due> _open;
    private readonly Dictionary<string, List<Due>> _byToken;

    public DueIntents(IEnumerable<ArchivedRecord> intents)
    {
        _open = intents.Where(i => i.AuditId is not null).ToDictionary(i => i.AuditId!, i => new Due(i), StringComparer.Ordinal);
        _byToken = _open.Values.Where(d => d.Intent.TokenId is not null).GroupBy(d => d.Intent.TokenId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>How many intents are kept, and how many <c>before</c>s: what the pass holds, whatever it has read.</summary>
    public (int Intents, int Befores) Kept => (_open.Count, _open.Values.Count(d => d.NextBefore is not null));

    public void Add(ArchivedRecord record)
    {
        if (record.AuditId is { } auditId && record.Settles && _open.Remove(auditId, out var settled) && settled.Intent.TokenId is { } settledToken)
        {
            _byToken[settledToken].Remove(settled);
        }
        if (record.TokenId is not { } tokenId || !_byToken.TryGetValue(tokenId, out var intents) || record.Json["before"] is not { } before) return;
        foreach (var due in intents)
        {
            if (record.AuditId == due.Intent.AuditId || record.Time <= due.Intent.Time || record.Time >= due.NextAt) continue;
            (due.NextAt, due.NextBefore) = (record.Time, before.DeepClone());
        }
    }

    /// <summary>The intents no settled outcome was found for, oldest first, each with the next change's <c>before</c> if one was recorded.</summary>
    public IReadOnlyList<(ArchivedRecord Intent, JsonNode? NextBefore)> Open() =>
        _open.Values.OrderBy(d => d.Intent.Time).Select(d => (d.Intent, d.NextBefore)).ToList();

    private sealed class Due(ArchivedRecord intent)
    {
        public ArchivedRecord Intent { get; } = intent;
        public DateTimeOffset NextAt { get; set; } = DateTimeOffset.MaxValue;
        public JsonNode? NextBefore { get; set; }
    }
}
