using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Simulator;

/// <summary>Raw HTTP helpers for talking to the simulator the way the gateway does.</summary>
internal static class SimulatorHttp
{
    public const string ApiToken = "sim-cma-token";
    public const string JsonApiContentType = "application/vnd.api+json";

    public static HttpClient Client(SimulatorServer server) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = server.BaseUrl,
            Timeout = TimeSpan.FromSeconds(15),
        };

    public static HttpRequestMessage Request(
        HttpMethod method,
        string path,
        string? body = null,
        string? contentType = JsonApiContentType,
        string? bearer = ApiToken,
        string? apiVersion = "3",
        string? accept = "application/json",
        string? environment = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (bearer is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        if (apiVersion is not null) request.Headers.TryAddWithoutValidation("X-Api-Version", apiVersion);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (environment is not null) request.Headers.TryAddWithoutValidation("X-Environment", environment);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }

    public static HttpRequestMessage Get(string path) => Request(HttpMethod.Get, path);

    public static HttpRequestMessage Put(string id, string body, string? contentType = JsonApiContentType) =>
        Request(HttpMethod.Put, "access_tokens/" + id, body, contentType);

    /// <summary>The seed page's update document, with the given values.</summary>
    public static string UpdateBody(
        string id,
        string name = "Renamed token",
        bool cda = true,
        bool preview = true,
        bool cma = true,
        string roleId = "34") =>
        JsonSerializer.Serialize(new
        {
            data = new
            {
                type = "access_token",
                id,
                attributes = new { name, can_access_cda = cda, can_access_cda_preview = preview, can_access_cma = cma },
                relationships = new { role = new { data = new { type = "role", id = roleId } } },
            },
        });

    public static async Task<(HttpResponseMessage Response, JsonDocument Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response, JsonDocument.Parse(text.Length == 0 ? "null" : text));
        }
    }

    public static IReadOnlyList<JsonElement> Errors(JsonDocument body)
    {
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(JsonValueKind.Array, data.ValueKind);
        foreach (var error in data.EnumerateArray())
        {
            Assert.Equal("api_error", error.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("id").GetString()));
            Assert.StartsWith("https://www.datocms.com/docs/content-management-api/errors#", error.GetProperty("attributes").GetProperty("doc_url").GetString());
        }
        return [.. data.EnumerateArray()];
    }

    /// <summary>Asserts the status and that the error document holds an error with this code (and detail values); returns its attributes.</summary>
    public static JsonElement AssertError(HttpResponseMessage response, JsonDocument body, int status, string code, params (string Key, string Value)[] details)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var match = Errors(body)
            .Select(e => e.GetProperty("attributes"))
            .Where(a => a.GetProperty("code").GetString() == code)
            .FirstOrDefault(a => details.All(d =>
                a.GetProperty("details").TryGetProperty(d.Key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == d.Value));
        Assert.True(match.ValueKind == JsonValueKind.Object,
            $"expected {code} {string.Join(",", details.Select(d => d.Key + "=" + d.Value))} in {body.RootElement}");
        return match;
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;
}
