namespace AccessTokenGateway.Authentication;

/// <summary>An <c>X-Signature</c> header as read: the timestamp as sent (it is signed as text) and its value, and the signatures.</summary>
public readonly record struct ParsedSignature(string TimestampText, long UnixSeconds, IReadOnlyList<byte[]> Signatures);
