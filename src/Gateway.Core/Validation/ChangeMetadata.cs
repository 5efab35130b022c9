using AccessTokenGateway.Tokens;

namespace AccessTokenGateway.Validation;

/// <summary>
/// Who asked for a change, who approved it and why, from the document's top-level <c>meta</c> or the
/// <c>X-Change-*</c> headers. <see cref="Expected"/> is the state the approver saw.
/// </summary>
public sealed record ChangeMetadata(
    string? RequestedBy = null,
    string? ApprovedBy = null,
    string? Reason = null,
    string? Ticket = null,
    bool DryRun = false,
    TokenState? Expected = null,
    DateTimeOffset? ExpiresAt = null);
