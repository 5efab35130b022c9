namespace AccessTokenGateway.DatoCms;

/// <summary>DatoCMS's <c>X-RateLimit-*</c> headers.</summary>
public static class RateLimitHeaders
{
    /// <summary><c>X-RateLimit-Reset</c>: whole seconds until the next request may be made.</summary>
    public static TimeSpan? ResetDelay(HttpResponseMessage response) =>
        Int(response, "X-RateLimit-Reset") is { } s and >= 0 ? TimeSpan.FromSeconds(s) : null;

    public static int? Limit(HttpResponseMessage response) => Int(response, "X-RateLimit-Limit");
    public static int? Remaining(HttpResponseMessage response) => Int(response, "X-RateLimit-Remaining");

    private static int? Int(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), out var v) ? v : null;
}
