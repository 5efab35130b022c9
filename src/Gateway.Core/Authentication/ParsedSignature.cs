namespace AccessTokenGateway.Authentication;

/// <summary>
/// An <c>X-Signature</c> header as read: the timestamp as sent (it is signed as text) and its value, the <c>v1</c>
/// signatures (over the body) and the <c>v2</c> signatures (over the whole request), and the named sender whose secret
/// signed them (<c>k=</c>), if any.
/// </summary>
public readonly record struct ParsedSignature(string TimestampText, long UnixSeconds, IReadOnlyList<byte[]> Signatures, IReadOnlyList<byte[]> V2Signatures, string? SenderId = null);
