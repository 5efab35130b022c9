using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Tests.Security;

/// <summary>Requests as a hostile or careless caller sends them: exact bytes, any content type, any headers.</summary>
internal static class SecurityHttp
{
    public static Task<HttpResponseMessage> PutBytesAsync(this GatewayHarness gateway, string id, byte[] body,
        string? contentType = "application/vnd.api+json", string? signature = null, Action<HttpRequestMessage>? customize = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "access_tokens/" + Uri.EscapeDataString(id)) { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (signature is not null) request.Headers.TryAddWithoutValidation("X-Signature", signature);
        customize?.Invoke(request);
        return (client ?? gateway.Client).SendAsync(request);
    }

    /// <summary>A signed PUT of <paramref name="body"/>, signed now with the test secret unless told otherwise.</summary>
    public static Task<HttpResponseMessage> PutSignedAsync(this GatewayHarness gateway, string id, string body, long? t = null, string secret = Signing.Secret,
        Action<HttpRequestMessage>? customize = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return gateway.PutBytesAsync(id, bytes, signature: Signing.Header(bytes, t, secret), customize: customize);
    }

    /// <summary>Asserts the answer is a DatoCMS error document (<c>{"data":[{"id","type":"api_error","attributes":{"code","details"}}]}</c>) and returns its code.</summary>
    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return ErrorCodeOf(text);
    }

    public static string ErrorCodeOf(string text)
    {
        var root = JsonNode.Parse(text) as JsonObject;
        Assert.True(root is not null, "not a JSON object: " + text);
        var errors = Assert.IsType<JsonArray>(root!["data"]);
        var error = Assert.IsType<JsonObject>(Assert.Single(errors));
        Assert.Equal("api_error", (string?)error["type"]);
        Assert.False(string.IsNullOrEmpty((string?)error["id"]));
        var attributes = Assert.IsType<JsonObject>(error["attributes"]);
        Assert.IsType<JsonObject>(attributes["details"]);
        return (string?)attributes["code"] ?? throw new Xunit.Sdk.XunitException("no code: " + text);
    }

    public static int Puts(this GatewayHarness gateway) => gateway.Simulator.State.CountRequests("PUT");
}
