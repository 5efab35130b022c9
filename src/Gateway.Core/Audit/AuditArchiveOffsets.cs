namespace AccessTokenGateway.Audit;

/// <summary>
/// How far each chain of the archive has been read: a chain is append-only, so a reader that keeps this reads only
/// what was appended since (<see cref="AuditArchiveReader.StreamDaysAsync(DateOnly, DateOnly, AuditArchiveOffsets?, CancellationToken)"/>).
/// In memory only: after a restart, chains are read from their start once.
/// </summary>
public sealed class AuditArchiveOffsets
{
    private readonly Dictionary<string, long> _ends = new(StringComparer.Ordinal);

    /// <summary>Bytes read through this, all chains together, since it was made.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Where the next read of <paramref name="chain"/> starts: just after its last whole line read.</summary>
    public long EndOf(string chain) => _ends.GetValueOrDefault(chain);

    public void Advance(string chain, long end)
    {
        BytesRead += end - EndOf(chain);
        _ends[chain] = end;
    }

    /// <summary>Forgets the chains of days before <paramref name="day"/>: no longer read, so no longer kept.</summary>
    public void ForgetBefore(DateOnly day)
    {
        var first = AuditArchive.DayPrefix(day);
        foreach (var chain in _ends.Keys.Where(c => string.CompareOrdinal(c, first) < 0).ToList()) _ends.Remove(chain);
    }
}
