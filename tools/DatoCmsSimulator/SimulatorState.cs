namespace DatoCmsSimulator;

/// <summary>The simulator's data, request log, faults and rate limiter. Thread-safe.</summary>
public sealed class SimulatorState
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, AccessTokenState> tokens = new(StringComparer.Ordinal);
    private readonly Lock requestGate = new();
    private readonly Queue<RecordedRequest> requests = new();
    private Dictionary<string, RoleState> roles = new(StringComparer.Ordinal);
    private long nextTokenId;

    public SimulatorState(SimulatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new SimulatorOptions();
        Time = timeProvider ?? TimeProvider.System;
        RateLimiter = new RateLimiter(Options, Time);
        Reset();
    }

    public SimulatorOptions Options { get; }
    public TimeProvider Time { get; }
    public FaultInjector Faults { get; } = new();
    internal RateLimiter RateLimiter { get; }

    /// <summary>Snapshot of every API request received (refused and faulted ones included), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (requestGate) { return [.. requests]; } }
    }

    public int CountRequests(string method, string? pathPrefix = null)
    {
        lock (requestGate)
        {
            var n = 0;
            foreach (var r in requests)
            {
                if (string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) &&
                    (pathPrefix is null || r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)))
                {
                    n++;
                }
            }
            return n;
        }
    }

    public void ClearRequests()
    {
        lock (requestGate) { requests.Clear(); }
    }

    internal void Record(RecordedRequest request)
    {
        var max = Math.Max(1, Options.MaxRecordedRequests);
        lock (requestGate)
        {
            requests.Enqueue(request);
            while (requests.Count > max) requests.Dequeue();
        }
    }

    public AccessTokenState? GetToken(string id)
    {
        lock (gate) { return tokens.GetValueOrDefault(id); }
    }

    /// <summary>All tokens, ordered by numeric id.</summary>
    public IReadOnlyList<AccessTokenState> GetTokens()
    {
        lock (gate)
        {
            return [.. tokens.Values.OrderBy(t => t.Id.Length).ThenBy(t => t.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Creates or replaces a token directly (e.g. "someone else changed it in the DatoCMS UI").</summary>
    public void SetToken(AccessTokenState token)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (gate) { tokens[token.Id] = token; }
    }

    public bool RemoveToken(string id)
    {
        lock (gate) { return tokens.Remove(id); }
    }

    /// <summary>What a bearer secret may do, as DatoCMS decides it from its access-token record (see <see cref="SimulatorOptions.ApiTokens"/>); null when it is not accepted.</summary>
    internal BearerRights? Bearer(string secret)
    {
        if (!Options.ApiTokens.Contains(secret)) return null;
        lock (gate)
        {
            var record = tokens.Values.FirstOrDefault(t => t.Token is not null && string.Equals(t.Token, secret, StringComparison.Ordinal));
            if (record is null) return new BearerRights(CanAccessCma: true, MayManageAccessTokens: true);
            var mayManage = record.HardcodedType == "admin" || (record.RoleId is { } role && roles.TryGetValue(role, out var r) && r.CanManageAccessTokens);
            return new BearerRights(record.CanAccessCma, mayManage);
        }
    }

    public RoleState? GetRole(string id)
    {
        lock (gate) { return roles.GetValueOrDefault(id); }
    }

    public IReadOnlyList<RoleState> GetRoles()
    {
        lock (gate) { return [.. roles.Values.OrderBy(r => r.Id.Length).ThenBy(r => r.Id, StringComparer.Ordinal)]; }
    }

    /// <summary>Restores the seed data and clears the request log, the faults and the rate-limit windows (not the options).</summary>
    public void Reset()
    {
        lock (gate)
        {
            tokens.Clear();
            foreach (var t in Seed.Tokens()) tokens[t.Id] = t;
            roles = Seed.Roles().ToDictionary(r => r.Id, StringComparer.Ordinal);
            nextTokenId = 1000;
        }
        ClearRequests();
        Faults.Clear();
        RateLimiter.Reset();
    }

    internal enum UpdateOutcome { Updated, NotFound, NonEditable, UnknownRole }

    /// <summary>Atomic check-and-update used by PUT.</summary>
    internal UpdateOutcome TryUpdate(string id, string name, bool cda, bool cdaPreview, bool cma, string? roleId, bool keepRole, out AccessTokenState? result)
    {
        lock (gate)
        {
            result = tokens.GetValueOrDefault(id);
            if (result is null) return UpdateOutcome.NotFound;
            if (!result.IsEditable) return UpdateOutcome.NonEditable;
            if (!keepRole && (roleId is null || !roles.ContainsKey(roleId))) return UpdateOutcome.UnknownRole;
            result = result with
            {
                Name = name,
                CanAccessCda = cda,
                CanAccessCdaPreview = cdaPreview,
                CanAccessCma = cma,
                RoleId = keepRole ? result.RoleId : roleId,
            };
            tokens[id] = result;
            return UpdateOutcome.Updated;
        }
    }

    internal AccessTokenState? TryCreate(string name, bool cda, bool cdaPreview, bool cma, string roleId)
    {
        lock (gate)
        {
            if (!roles.ContainsKey(roleId)) return null;
            var id = (nextTokenId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            while (tokens.ContainsKey(id)) id = (nextTokenId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var token = new AccessTokenState(id, name, NewSecret(), null, cda, cdaPreview, cma, roleId);
            tokens[id] = token;
            return token;
        }
    }

    internal AccessTokenState? Regenerate(string id)
    {
        lock (gate)
        {
            if (!tokens.TryGetValue(id, out var t)) return null;
            t = t with { Token = NewSecret() };
            tokens[id] = t;
            return t;
        }
    }

    private static string NewSecret() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
}
