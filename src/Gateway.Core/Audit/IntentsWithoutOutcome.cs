namespace AccessTokenGateway.Audit;

/// <summary>
/// The reconciler's first pass over the archive, a record at a time and kept from one pass to the next (it is fed
/// only what the chains gained since): per audit id, its latest intent while no settled outcome has followed it in the
/// order read. A chain holds a change's intent before its outcome, so what is kept is the intents still open, not the
/// records read. An outcome in another chain can be read before its intent (the reconciler's own, a queue retry's on
/// another host): that intent is kept here, a candidate only, until the second pass (<see cref="DueIntents"/>) finds
/// it settled and <see cref="Done"/> drops it for good.
/// </summary>
public sealed class IntentsWithoutOutcome
{
    private readonly Dictionary<string, ArchivedRecord> _latest = new(StringComparer.Ordinal);

    /// <summary>Ids done with though their intent may be read again, with the intent's time to forget them by.</summary>
    private readonly Dictionary<string, DateTimeOffset> _done = new(StringComparer.Ordinal);

    /// <summary>How many audit ids are kept, open or done with: what the pass holds, whatever it has read.</summary>
    public int Count => _latest.Count + _done.Count;

    public void Add(ArchivedRecord record)
    {
        if (record.AuditId is not { } auditId || _done.ContainsKey(auditId)) return;
        if (record.Settles) _latest.Remove(auditId);
        else if (record.Kind == "intent" && (!_latest.TryGetValue(auditId, out var kept) || record.Time > kept.Time)) _latest[auditId] = record;
    }

    /// <summary>An intent the reconciler is done with (reconciled, found settled in another chain, or not one it can read): never a candidate again.</summary>
    public void Done(ArchivedRecord intent)
    {
        if (intent.AuditId is not { } auditId) return;
        _latest.Remove(auditId);
        _done[auditId] = intent.Time;
    }

    /// <summary>Forgets what is older than the look-back: those intents are not looked at any more.</summary>
    public void ForgetBefore(DateTimeOffset from)
    {
        foreach (var old in _latest.Where(i => i.Value.Time < from).Select(i => i.Key).ToList()) _latest.Remove(old);
        foreach (var old in _done.Where(i => i.Value < from).Select(i => i.Key).ToList()) _done.Remove(old);
    }

    /// <summary>The kept intents recorded between <paramref name="from"/> and <paramref name="until"/>, inclusive: old enough to settle, not too old to look at.</summary>
    public IReadOnlyList<ArchivedRecord> Between(DateTimeOffset from, DateTimeOffset until) =>
        _latest.Values.Where(intent => intent.Time >= from && intent.Time <= until).ToList();
}
