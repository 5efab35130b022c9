using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Validation;

/// <summary>
/// A fully validated update: nothing in it was guessed at, and nothing else was in the request. <see cref="Patch"/> is
/// what the request named; <see cref="Requested"/> the full state it asks for, known once merged with the token's state
/// read first (<see cref="MergedWith"/>), or at once when the request names every field.
/// </summary>
public sealed record ChangeDocument(string TokenId, TokenPatch Patch, ChangeMetadata Meta)
{
    public ChangeDocument(string tokenId, TokenState requested, ChangeMetadata meta) : this(tokenId, TokenPatch.Of(requested), meta) => Requested = requested;

    /// <summary>The full state asked for; null before the merge when the request left a field out.</summary>
    public TokenState? Requested { get; init; } = Patch.Complete;

    /// <summary>The full state asked for, once merged: what policy, grants, the diff and the <c>PUT</c> work on.</summary>
    public TokenState Full => Requested ?? throw new InvalidOperationException("A partial change is merged with the token's state before it is planned.");

    /// <summary>The role the change assigns, if known before the token is read (named, or merged).</summary>
    public string? RoleId => Requested?.RoleId ?? Patch.RoleId;

    /// <summary>The change with the fields it left out taken from <paramref name="current"/>.</summary>
    public ChangeDocument MergedWith(TokenState current) => this with { Requested = Patch.ApplyTo(current) };
}
