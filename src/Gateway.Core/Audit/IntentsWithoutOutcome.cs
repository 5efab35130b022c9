namespace AccessTokenGateway.Audit;

/// <summary>
/// The reconciler's first pass over the archive, a record at a time: per audit id, its latest intent while no settled
/// outcome has followed it in the order read. A chain holds a change's intent before its outcome, so what is kept at
/// any moment is the intents still open, not the records read. An outcome in another chain can be read before its
/// intent (the reconciler's own, a queue retry's on another host): that intent is kept here, a candidate only, and
/// the second pass (<see cref="DueIntents"/>) drops it.
/// </summary>
public sealed class IntentsWithoutOutcome(IReadOnlySet<string> knownSettled)
{
    private readonly Dictionary<string, ArchivedRecord> _latest = new(StringComparer.Ordinal);

    /// <summary>How many audit ids are kept: what the pass holds, whatever it has read.</summary>
    public int Count => _latest.Count;

    public void Add(ArchivedRecord record)
    {
        if (record.AuditId is not { } auditId || knownSettled.Contains(auditId)) return;
        if (record.Settles) _latest.Remove(auditId);
        else if (record.Kind == "intent" && (!_latest.TryGetValue(auditId, out var kept) || record.Time > kept.Time)) _latest[auditId] = record;
    }

    /// <summary>The kept intents recorded between <paramref name="from"/> and <paramref name="until"/>, inclusive: old enough to settle, not too old to look at.</summary>
    public IReadOnlyList<ArchivedRecord> Between(DateTimeOffset from, DateTimeOffset until) =>
        _latest.Values.Where(intent => intent.Time >= from && intent.Time <= until).ToList();
}
