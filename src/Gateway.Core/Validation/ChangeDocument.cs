using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Validation;

/// <summary>A fully validated update: nothing in it was guessed at, and nothing else was in the request.</summary>
public sealed record ChangeDocument(string TokenId, TokenState Requested, ChangeMetadata Meta);
