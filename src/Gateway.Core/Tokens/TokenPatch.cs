namespace AccessTokenGateway.Tokens;

/// <summary>
/// The fields an update names, each null where the request left it out: DatoCMS keeps the role when
/// <c>relationships</c> is omitted, and the gateway (its own extension) keeps any attribute left out. Merged with the
/// state read first (<see cref="ApplyTo"/>), so DatoCMS always receives a full document.
/// </summary>
public sealed record TokenPatch(string? Name, bool? CanAccessCda, bool? CanAccessCdaPreview, bool? CanAccessCma, string? RoleId)
{
    /// <summary>A patch that names every field.</summary>
    public static TokenPatch Of(TokenState state) =>
        new(state.Name, state.CanAccessCda, state.CanAccessCdaPreview, state.CanAccessCma, state.RoleId);

    /// <summary>The state this patch asks for, when it names every field (and so needs nothing read); null otherwise.</summary>
    public TokenState? Complete =>
        Name is { } name && CanAccessCda is { } cda && CanAccessCdaPreview is { } preview && CanAccessCma is { } cma && RoleId is { } role
            ? new TokenState(name, cda, preview, cma, role)
            : null;

    /// <summary><paramref name="current"/> with every field this patch names set to its value.</summary>
    public TokenState ApplyTo(TokenState current) => new(
        Name ?? current.Name,
        CanAccessCda ?? current.CanAccessCda,
        CanAccessCdaPreview ?? current.CanAccessCdaPreview,
        CanAccessCma ?? current.CanAccessCma,
        RoleId ?? current.RoleId);
}
