using System.Text.Json.Serialization;

namespace AccessTokenGateway.Tokens;

/// <summary>
/// The editable state of an API token: exactly what the CMA update endpoint sets, and nothing secret. Its JSON form
/// (<c>{"name", "can_access_cda", "can_access_cda_preview", "can_access_cma", "role_id"}</c>) is declared here, once:
/// <c>meta.expected</c>, a revert's <c>expected</c>, a dry run's <c>would_become</c> and the audit record all use it.
/// </summary>
public sealed record TokenState(
    [property: JsonPropertyName(TokenFields.Name), JsonRequired] string Name,
    [property: JsonPropertyName(TokenFields.CanAccessCda), JsonRequired] bool CanAccessCda,
    [property: JsonPropertyName(TokenFields.CanAccessCdaPreview), JsonRequired] bool CanAccessCdaPreview,
    [property: JsonPropertyName(TokenFields.CanAccessCma), JsonRequired] bool CanAccessCma,
    [property: JsonPropertyName(TokenFields.RoleId), JsonRequired] string? RoleId)
{
    /// <summary>True when <paramref name="next"/> grants anything this state does not: a flag turned on, or another role.</summary>
    public bool IsEscalatedBy(TokenState next) =>
        (next.CanAccessCda && !CanAccessCda)
        || (next.CanAccessCdaPreview && !CanAccessCdaPreview)
        || (next.CanAccessCma && !CanAccessCma)
        || !string.Equals(next.RoleId, RoleId, StringComparison.Ordinal);

    /// <summary>The fields that differ from this state in <paramref name="next"/>, in the order of the JSON form.</summary>
    public IReadOnlyList<FieldChange> DiffTo(TokenState next)
    {
        var changes = new List<FieldChange>(5);
        if (!string.Equals(Name, next.Name, StringComparison.Ordinal)) changes.Add(new(TokenFields.Name, Name, next.Name));
        if (CanAccessCda != next.CanAccessCda) changes.Add(new(TokenFields.CanAccessCda, CanAccessCda, next.CanAccessCda));
        if (CanAccessCdaPreview != next.CanAccessCdaPreview) changes.Add(new(TokenFields.CanAccessCdaPreview, CanAccessCdaPreview, next.CanAccessCdaPreview));
        if (CanAccessCma != next.CanAccessCma) changes.Add(new(TokenFields.CanAccessCma, CanAccessCma, next.CanAccessCma));
        if (!string.Equals(RoleId, next.RoleId, StringComparison.Ordinal)) changes.Add(new(TokenFields.RoleId, RoleId, next.RoleId));
        return changes;
    }
}
