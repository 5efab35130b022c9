using AccessTokenGateway.Grants;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>The registry's contract in memory: rows by token and field, versions that change on every write, conditional removal.</summary>
public sealed class InMemoryGrantRegistry : IGrantRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Grant> _rows = [];
    private readonly HashSet<string> _consumed = [];
    private int _version;

    /// <summary>When set, every call throws as an unreachable registry does.</summary>
    public bool Down { get; set; }
    public List<string> Calls { get; } = [];

    public IReadOnlyList<Grant> All { get { lock (_gate) return _rows.Values.ToList(); } }

    public Task<IReadOnlyList<Grant>> ForTokenAsync(string tokenId, CancellationToken cancellationToken) =>
        Run("read", () => (IReadOnlyList<Grant>)_rows.Values.Where(g => g.TokenId == tokenId).ToList());

    public Task<IReadOnlyList<Grant>> ListAsync(string? tokenId, CancellationToken cancellationToken) =>
        Run("list", () => (IReadOnlyList<Grant>)_rows.Values.Where(g => tokenId is null || g.TokenId == tokenId).ToList());

    public Task<IReadOnlyList<Grant>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Run("due", () => (IReadOnlyList<Grant>)_rows.Values.Where(g => g.ExpiresAt <= now).ToList());

    public Task PutAsync(IReadOnlyList<Grant> grants, CancellationToken cancellationToken) => Run("write grants", () =>
    {
        foreach (var g in grants) _rows[(g.TokenId, g.Field)] = g with { Version = (++_version).ToString() };
        return true;
    });

    public Task<bool> RemoveAsync(Grant grant, CancellationToken cancellationToken) => Run("remove", () =>
    {
        if (!_rows.TryGetValue((grant.TokenId, grant.Field), out var row) || (grant.Version is not null && row.Version != grant.Version)) return false;
        return _rows.Remove((grant.TokenId, grant.Field));
    });

    public Task<bool> MarkOverdueReportedAsync(Grant grant, DateTimeOffset at, CancellationToken cancellationToken) => Run("mark overdue", () =>
    {
        if (!_rows.TryGetValue((grant.TokenId, grant.Field), out var row) || row.Version != grant.Version) return false;
        _rows[(grant.TokenId, grant.Field)] = row with { OverdueReportedAt = at, Version = (++_version).ToString() };
        return true;
    });

    public Task<bool> TryConsumeMessageAsync(string nonce, DateTimeOffset at, CancellationToken cancellationToken) => Run("consume", () => _consumed.Add(nonce));

    public Task<bool> WasConsumedAsync(string nonce, CancellationToken cancellationToken) => Run("consumed?", () => _consumed.Contains(nonce));

    public Task<int> ForgetConsumedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) => Run("forget", () => 0);

    private Task<T> Run<T>(string call, Func<T> operation)
    {
        lock (_gate)
        {
            Calls.Add(call);
            if (Down) return Task.FromException<T>(new DependencyUnavailableException(Dependency.RevertSchedule, "registry down"));
            return Task.FromResult(operation());
        }
    }
}
