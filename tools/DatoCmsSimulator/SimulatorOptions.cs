namespace DatoCmsSimulator;

public sealed class SimulatorOptions
{
    /// <summary>
    /// Bearer secrets accepted. One that is an access-token record's secret (the seed's gateway token is) has that record's
    /// rights: none without <c>can_access_cma</c> (401), and <c>/access_tokens</c> only if its role may manage API tokens
    /// (else 403). One that is no record's secret has full access. Thread-safe; tests add/remove entries to simulate rotation.
    /// </summary>
    public IList<string> ApiTokens { get; } = new SynchronizedList([Seed.GatewayBearer]);

    /// <summary>Requests allowed per API token per window (DatoCMS's default: 60 every 3 seconds).</summary>
    public int RateLimitPerWindow { get; set; } = 60;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Environments an <c>X-Environment</c> header may name (all share the same data). Absent header = primary.</summary>
    public IList<string> Environments { get; } = new SynchronizedList(["main", "sandbox"]);

    /// <summary>Recorded requests kept (oldest dropped beyond this) so long benchmark runs stay bounded in memory.</summary>
    public int MaxRecordedRequests { get; set; } = 100_000;
}

/// <summary>A list guarded by a lock: tests mutate it while requests read it.</summary>
internal sealed class SynchronizedList(IEnumerable<string> initial) : IList<string>
{
    private readonly List<string> items = [.. initial];
    private readonly Lock gate = new();

    public string this[int index]
    {
        get { lock (gate) { return items[index]; } }
        set { lock (gate) { items[index] = value; } }
    }

    public int Count { get { lock (gate) { return items.Count; } } }
    public bool IsReadOnly => false;
    public void Add(string item) { lock (gate) { items.Add(item); } }
    public void Clear() { lock (gate) { items.Clear(); } }
    public bool Contains(string item) { lock (gate) { return items.Contains(item); } }
    public void CopyTo(string[] array, int arrayIndex) { lock (gate) { items.CopyTo(array, arrayIndex); } }
    public int IndexOf(string item) { lock (gate) { return items.IndexOf(item); } }
    public void Insert(int index, string item) { lock (gate) { items.Insert(index, item); } }
    public bool Remove(string item) { lock (gate) { return items.Remove(item); } }
    public void RemoveAt(int index) { lock (gate) { items.RemoveAt(index); } }

    public void ReplaceAll(IEnumerable<string> values)
    {
        lock (gate)
        {
            items.Clear();
            items.AddRange(values);
        }
    }

    public bool ContainsIgnoreCase(string item)
    {
        lock (gate)
        {
            foreach (var s in items)
            {
                if (string.Equals(s, item, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }
    }

    public IEnumerator<string> GetEnumerator()
    {
        string[] snapshot;
        lock (gate) { snapshot = [.. items]; }
        return ((IEnumerable<string>)snapshot).GetEnumerator();
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
