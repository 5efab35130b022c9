namespace AccessTokenGateway.Changes;

/// <summary>
/// The editable state of an API token: exactly what the CMA update endpoint sets. Secrets are not part of it.
/// </summary>
public sealed record TokenState(string Name, bool CanAccessCda, bool CanAccessCdaPreview, bool CanAccessCma, string? RoleId)
{
    /// <summary>True when <paramref name="next"/> grants anything this state does not: a flag turned on, or another role.</summary>
    public bool IsEscalatedBy(TokenState next) =>
        (next.CanAccessCda && !CanAccessCda)
        || (next.CanAccessCdaPreview && !CanAccessCdaPreview)
        || (next.CanAccessCma && !CanAccessCma)
        || !string.Equals(next.RoleId, RoleId, StringComparison.Ordinal);

    public IReadOnlyList<FieldChange> DiffTo(TokenState next)
    {
        var changes = new List<FieldChange>(5);
        if (!string.Equals(Name, next.Name, StringComparison.Ordinal)) changes.Add(new("name", Name, next.Name));
        if (CanAccessCda != next.CanAccessCda) changes.Add(new("can_access_cda", CanAccessCda, next.CanAccessCda));
        if (CanAccessCdaPreview != next.CanAccessCdaPreview) changes.Add(new("can_access_cda_preview", CanAccessCdaPreview, next.CanAccessCdaPreview));
        if (CanAccessCma != next.CanAccessCma) changes.Add(new("can_access_cma", CanAccessCma, next.CanAccessCma));
        if (!string.Equals(RoleId, next.RoleId, StringComparison.Ordinal)) changes.Add(new("role", RoleId, next.RoleId));
        return changes;
    }
}

/// <summary>One field that differs between two states.</summary>
public sealed record FieldChange(string Field, object? From, object? To);
