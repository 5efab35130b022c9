using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Grants;

/// <summary>
/// What one change does to the registry: the grants it makes (new, or renewing an active one with a new expiry)
/// and the active grants it ends (their field changes permanently, or is revoked). Replaced grants keep their old
/// row in <see cref="Replaced"/>, so a failed <c>PUT</c> can put them back.
/// </summary>
public sealed record GrantPlan(IReadOnlyList<Grant> Granted, IReadOnlyList<Grant> Replaced, IReadOnlyList<Grant> Ended)
{
    public static readonly GrantPlan None = new([], [], []);

    public bool ChangesRegistry => Granted.Count > 0 || Ended.Count > 0;

    /// <summary>
    /// The state policy judges the change against: the token as it is, except that a field whose grant is renewed for
    /// longer counts as not held, so extending a grant needs the same approval as granting it.
    /// </summary>
    public TokenState PolicyBaseline(TokenState current)
    {
        var baseline = current;
        foreach (var renewed in Replaced)
        {
            var next = Granted.First(g => g.Field == renewed.Field);
            if (next.ExpiresAt > renewed.ExpiresAt) baseline = GrantFields.Set(baseline, renewed.Field, renewed.ValueBefore);
        }
        return baseline;
    }
}
