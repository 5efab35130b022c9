namespace AccessTokenGateway.Outcomes;

/// <summary>Why the gateway refused a request, as a kind: the HTTP adapter's table turns each into a status.</summary>
public enum RefusalKind
{
    /// <summary>Not one well-formed JSON document.</summary>
    Malformed,
    /// <summary>Longer than the gateway reads.</summary>
    TooLarge,
    /// <summary>Labelled with a content type the gateway does not read.</summary>
    UnsupportedContentType,
    /// <summary>The sender is not who it must be (a bad, expired or replayed signature).</summary>
    Unauthenticated,
    /// <summary>Well-formed but not a valid change (a field, the envelope, a built-in token).</summary>
    Invalid,
    /// <summary>Valid, but the organisation's policy does not allow it.</summary>
    Forbidden,
    /// <summary>The token is no longer in the state the approver saw.</summary>
    Stale,
}
