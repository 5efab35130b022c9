namespace AccessTokenGateway.DatoCms;

/// <summary>
/// DatoCMS's answer to one call, as a value: the client never throws for what DatoCMS or the network did.
/// <see cref="Attempts"/> counts the HTTP attempts actually sent, retries included.
/// </summary>
public sealed record DatoCmsReply(DatoCmsReplyKind Kind, int Attempts, string Description)
{
    public int? Status { get; init; }
    public string? RequestId { get; init; }
    /// <summary>The token, when <see cref="Kind"/> is <see cref="DatoCmsReplyKind.Ok"/>.</summary>
    public AccessTokenResource? Token { get; init; }
    /// <summary>The document of a read (<see cref="IDatoCmsClient.ReadDocumentAsync"/>), every secret <c>token</c> attribute null.</summary>
    public System.Text.Json.Nodes.JsonObject? Document { get; init; }
    /// <summary>The tokens asked for that the list holds, by id, when a list call's <see cref="Kind"/> is <see cref="DatoCmsReplyKind.Ok"/>.</summary>
    public IReadOnlyDictionary<string, AccessTokenResource>? Tokens { get; init; }
    /// <summary>How many tokens the list held (all of the project's), when it was read.</summary>
    public int? ListedCount { get; init; }
    /// <summary>DatoCMS's error document, when it sent one.</summary>
    public UpstreamError? Error { get; init; }
    /// <summary>When DatoCMS's rate limit lets the next request through, if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
