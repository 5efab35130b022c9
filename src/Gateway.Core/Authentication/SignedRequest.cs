namespace AccessTokenGateway.Authentication;

/// <summary>
/// Everything of an HTTP request that can decide a change's outcome, as HTTP admission read it: what a <c>v2</c>
/// signature covers (<see cref="WebhookSignature.CanonicalV2"/>). <see cref="Path"/> is the request path as the server
/// reads it (<c>/api/access_tokens/312</c>); <see cref="Query"/> the query string exactly as sent, without its <c>?</c>;
/// <see cref="ChangeHeaders"/> every <c>X-Change-*</c> header the request carries, known to the gateway or not.
/// </summary>
public sealed record SignedRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> ChangeHeaders, ReadOnlyMemory<byte> Body)
{
    public const string ChangeHeaderPrefix = "X-Change-";

    /// <summary>A request of which only the body is known (the <c>v1</c> scheme covers nothing else).</summary>
    public static SignedRequest BodyOnly(ReadOnlyMemory<byte> body) => new("PUT", "", "", [], body);

    /// <summary>
    /// Whether change metadata travels outside the body: an <c>X-Change-*</c> header, or <c>dry_run</c> in the query.
    /// A <c>v1</c> signature covers the body only, so such a request is refused under it.
    /// </summary>
    public bool HasMetadataOutsideBody =>
        ChangeHeaders.Count > 0
        || Query.Split('&').Any(p => p.Split('=')[0] is var name && string.Equals(Uri.UnescapeDataString(name), "dry_run", StringComparison.OrdinalIgnoreCase));
}
