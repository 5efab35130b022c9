using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Grants;

/// <summary>The fields a grant can hold (the three flags and the role), read and set in the audit record's text form.</summary>
public static class GrantFields
{
    public static readonly IReadOnlyList<string> All = [TokenFields.CanAccessCda, TokenFields.CanAccessCdaPreview, TokenFields.CanAccessCma, TokenFields.RoleId];

    public static string? Get(TokenState state, string field) => field switch
    {
        TokenFields.CanAccessCda => FieldChange.Text(state.CanAccessCda),
        TokenFields.CanAccessCdaPreview => FieldChange.Text(state.CanAccessCdaPreview),
        TokenFields.CanAccessCma => FieldChange.Text(state.CanAccessCma),
        TokenFields.RoleId => state.RoleId,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a field a grant can hold."),
    };

    public static TokenState Set(TokenState state, string field, string? value) => field switch
    {
        TokenFields.CanAccessCda => state with { CanAccessCda = value == "true" },
        TokenFields.CanAccessCdaPreview => state with { CanAccessCdaPreview = value == "true" },
        TokenFields.CanAccessCma => state with { CanAccessCma = value == "true" },
        TokenFields.RoleId => state with { RoleId = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a field a grant can hold."),
    };

    /// <summary>Whether <paramref name="next"/> grants more than <paramref name="before"/> on this field: a flag turned on, another role.</summary>
    public static bool Escalates(string field, string? before, string? next) =>
        field == TokenFields.RoleId ? !string.Equals(before, next, StringComparison.Ordinal) : next == "true" && before != "true";
}
