using AccessTokenGateway.Tokens;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using DatoCmsSimulator;

namespace AccessTokenGateway.Benchmarks;

/// <summary>Real changes to send (every one a rename, which keeps flags and role, so the queue path may make it too) and a direct CMA client.</summary>
internal static class Changes
{
    public const string CmaToken = "sim-cma-token";

    public static TokenState StateFor(SimulatorServer simulator, string tokenId, string name)
    {
        var current = simulator.State.GetToken(tokenId) ?? throw new InvalidOperationException($"No token {tokenId} in the simulator.");
        return new TokenState(name, current.CanAccessCda, current.CanAccessCdaPreview, current.CanAccessCma, current.RoleId);
    }

    /// <summary>The gateway's request: the CMA update document with the change's <c>meta</c>.</summary>
    public static string GatewayBody(SimulatorServer simulator, string tokenId, string name)
    {
        var document = TokenJson.UpdateDocument(tokenId, StateFor(simulator, tokenId, name));
        document["meta"] = new JsonObject { ["requested_by"] = "benchmark", ["reason"] = "load" };
        return document.ToJsonString();
    }

    public static HttpRequestMessage GatewayPut(string tokenId, string body) => new(HttpMethod.Put, "access_tokens/" + tokenId)
    {
        Content = new StringContent(body, new MediaTypeHeaderValue("application/vnd.api+json")),
    };

    public static HttpClient GatewayClient(Uri apiBase, string functionKey)
    {
        var client = new HttpClient { BaseAddress = apiBase, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-functions-key", functionKey);
        return client;
    }

    /// <summary>A client talking to DatoCMS (the simulator) directly, with the headers the CMA requires.</summary>
    public static HttpClient DirectClient(Uri simulatorBase)
    {
        var client = new HttpClient { BaseAddress = simulatorBase, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CmaToken);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.Add("X-Api-Version", "3");
        return client;
    }

    public static HttpRequestMessage DirectGet(string tokenId) => new(HttpMethod.Get, "access_tokens/" + tokenId);

    public static HttpRequestMessage DirectPut(SimulatorServer simulator, string tokenId, string name)
    {
        var content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(TokenJson.UpdateDocument(tokenId, StateFor(simulator, tokenId, name))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.api+json");
        return new HttpRequestMessage(HttpMethod.Put, "access_tokens/" + tokenId) { Content = content };
    }

    /// <summary>Sends and reads the whole answer; throws unless it is a success.</summary>
    public static async Task SendOkAsync(HttpClient client, HttpRequestMessage request)
    {
        if (!await SendAsync(client, request, retryable: false)) throw new UnreachableException();
    }

    /// <summary>
    /// Sends and reads the whole answer. A 503 (the gateway failing closed because the storage emulator did not take an
    /// audit record in time) is counted in <see cref="Unavailable"/> and returns false when <paramref name="retryable"/>;
    /// anything else that is not a success throws.
    /// </summary>
    public static async Task<bool> SendAsync(HttpClient client, HttpRequestMessage request, bool retryable)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return true;
            if (retryable && response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref _unavailable);
                return false;
            }
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        }
    }

    private static long _unavailable;
    /// <summary>503 answers met (and retried) while measuring.</summary>
    public static long Unavailable => Interlocked.Read(ref _unavailable);
}
