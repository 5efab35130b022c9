namespace AccessTokenGateway.Secrets;

/// <summary>A secret the gateway needs (the CMA token, a signing secret), cached and refreshable.</summary>
public interface ISecretSource
{
    /// <summary>The current value, from the cache while it is fresh.</summary>
    ValueTask<string> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the secret again because <paramref name="rejectedValue"/> was refused (DatoCMS answered 401: the token
    /// was rotated). Concurrent callers share one read; a caller whose value was already replaced gets the new one.
    /// </summary>
    ValueTask<string> RefreshAsync(string rejectedValue, CancellationToken cancellationToken);
}
