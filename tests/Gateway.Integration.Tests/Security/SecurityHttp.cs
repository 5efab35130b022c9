using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Tests.Security;

/// <summary>
/// What a webhook sender does, written independently of the gateway's code: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>,
/// the HMAC-SHA256 of <c>"&lt;t&gt;.&lt;body&gt;"</c> keyed by the secret's UTF-8 bytes.
/// </summary>
internal static class Signing
{
    public const string Secret = "test-webhook-signing-secret-5b1e0c7d9a2f4e68";
    public const string PreviousSecret = "previous-webhook-signing-secret-93c2d7e1f0a4";

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static string V1(string secret, string timestamp, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(timestamp + ".").Concat(body).ToArray()));

    public static string Header(byte[] body, long? t = null, string secret = Secret)
    {
        var timestamp = (t ?? Now).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={V1(secret, timestamp, body)}";
    }

    /// <summary>Harness settings for a gateway that requires signatures, with its own replay table so tests never see each other's signatures.</summary>
    public static void Require(HarnessOptions options, string? replayTable = null)
    {
        options.Settings["Signatures:Enabled"] = "true";
        options.Settings["Signatures:DevelopmentSecret"] = Secret;
        options.Settings["Signatures:ReplayTableName"] = replayTable ?? UniqueTable();
    }

    public static string UniqueTable() => "replay" + Guid.NewGuid().ToString("N")[..16];
}

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
