using System.Net.Http.Headers;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Validation;

/// <summary>What a request body may be labelled: JSON:API or plain JSON, in UTF-8.</summary>
public static class ContentTypes
{
    public const string JsonApi = "application/vnd.api+json";

    /// <summary>The refusal of a body labelled <paramref name="contentType"/>; null when the label is one the gateway reads.</summary>
    public static Refused? Check(string? contentType)
    {
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && (string.Equals(parsed.MediaType, JsonApi, StringComparison.OrdinalIgnoreCase) || string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            && (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
            && parsed.Parameters.All(p => string.Equals(p.Name, "charset", StringComparison.OrdinalIgnoreCase)))
            return null;
        return Refused.Because(RefusalKind.UnsupportedContentType, ErrorCodes.InvalidContentType, "Content-Type must be application/vnd.api+json (or application/json), UTF-8.");
    }
}
