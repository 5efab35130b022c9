using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Changes;

/// <summary>An expiring grant's way back: at <see cref="At"/>, put the token back to <see cref="RestoreTo"/> if it still is <see cref="Granted"/>.</summary>
public sealed record RevertRequest(string TokenId, TokenState RestoreTo, TokenState Granted, DateTimeOffset At, string GrantAuditId, ChangeMetadata GrantMeta);
