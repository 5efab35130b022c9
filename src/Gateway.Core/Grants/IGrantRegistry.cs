using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Grants;

/// <summary>
/// The grants in force, one row per token and field. Every method throws <see cref="DependencyUnavailableException"/>
/// (<see cref="Dependency.RevertSchedule"/>) when the registry cannot be reached: a grant is never made, and a revert
/// never skipped, on a guess.
/// </summary>
public interface IGrantRegistry
{
    /// <summary>The grants on one token.</summary>
    Task<IReadOnlyList<Grant>> ForTokenAsync(string tokenId, CancellationToken cancellationToken);

    /// <summary>Every grant, or those of one token.</summary>
    Task<IReadOnlyList<Grant>> ListAsync(string? tokenId, CancellationToken cancellationToken);

    /// <summary>Grants whose expiry is at or before <paramref name="now"/>: reverts the registry still owes.</summary>
    Task<IReadOnlyList<Grant>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes each grant, replacing the row of its token and field.</summary>
    Task PutAsync(IReadOnlyList<Grant> grants, CancellationToken cancellationToken);

    /// <summary>Removes the row if it is still <paramref name="grant"/>'s version; false when it was changed or removed meanwhile.</summary>
    Task<bool> RemoveAsync(Grant grant, CancellationToken cancellationToken);

    /// <summary>Records that the grant was reported overdue, if the row is still its version; false otherwise.</summary>
    Task<bool> MarkOverdueReportedAsync(Grant grant, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records a revert message as used; false when it was used before (a replay).</summary>
    Task<bool> TryConsumeMessageAsync(string nonce, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Whether a revert message was used before.</summary>
    Task<bool> WasConsumedAsync(string nonce, CancellationToken cancellationToken);

    /// <summary>Forgets up to <paramref name="max"/> used messages recorded before <paramref name="before"/>; how many it forgot.</summary>
    Task<int> ForgetConsumedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken);
}
