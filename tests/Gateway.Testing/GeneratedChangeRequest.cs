using System.Text;

namespace AccessTokenGateway.Tests.Support;

/// <summary>One generated request: the route id, the exact body bytes, the content type, and what was done to it.</summary>
public sealed record GeneratedChangeRequest(string RouteId, byte[] Body, string? ContentType, IReadOnlyList<string> Steps)
{
    public override string ToString() =>
        $"PUT /access_tokens/{RouteId} ({ContentType ?? "no content type"}) after [{string.Join("; ", Steps)}]: " +
        (Body.Length > 600 ? Encoding.UTF8.GetString(Body, 0, 600) + $"… ({Body.Length} bytes)" : Encoding.UTF8.GetString(Body));
}
