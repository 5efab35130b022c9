using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Tests.Support;
using Azure.Data.Tables;
using DatoCmsSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Tests.Security;

/// <summary>
/// Every path the gateway has — success, every error, a 401 that makes it re-read the rotated CMA token, retries,
/// outages of each dependency, the queue — run with every log category at Trace (but the request-line category
/// <see cref="SecretHygiene"/> silences), the audit queue read back and every
/// response kept; then no secret may appear in any of it: not the CMA tokens (old and new), not any token's
/// <c>token</c> attribute, not the function keys, the signing secret, the caller's Authorization header or the
/// vault's access token.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SecretLeakTests(AzuriteFixture storage) : IAsyncLifetime
{
    private const string SecondKey = "approval-workflow-key-4c81e2d9";
    private const string RotatedCmaToken = "rotated-cma-token-b7f3e9a21c";
    private const string CallerCredential = "callers-own-bearer-credential-e5d1a9";
    private const string SigningSecret = "leak-test-webhook-signing-secret-0f9e8d7c6b";

    private readonly List<string> _responses = [];
    private readonly List<GatewayHarness> _gateways = [];
    private readonly List<HttpClient> _clients = [];

    public Task InitializeAsync() => storage.ResetQueuesAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var gateway in Enumerable.Reverse(_gateways)) await gateway.DisposeAsync();
    }

    /// <summary>A gateway that logs everything, every category at Trace, whatever the host's own filters say.</summary>
    private async Task<GatewayHarness> StartAsync(Action<HarnessOptions> configure)
    {
        var gateway = await GatewayHarness.StartAsync(storage, o =>
        {
            o.Settings["LocalHost:FunctionKeys:approval-workflow"] = SecondKey;
            o.Settings["Signatures:ReplayTableName"] = Signing.UniqueTable();
            o.Settings["Approvals:TrustedCallers:1"] = "signer:webhook";
            configure(o);
            var more = o.Services;
            o.Services = services =>
            {
                more?.Invoke(services);
                services.Configure<LoggerFilterOptions>(filters =>
                {
                    filters.Rules.Clear();
                    filters.MinLevel = LogLevel.Trace;
                    // Only the product's own hygiene rule stays (SecretHygieneTests checks the hosts apply it).
                    foreach (var category in SecretHygiene.SilencedLogCategories)
                        filters.Rules.Add(new LoggerFilterRule(null, category, LogLevel.Warning, null));
                });
            };
        });
        _gateways.Add(gateway);
        gateway.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", CallerCredential);
        return gateway;
    }

    private async Task<int> SendAsync(GatewayHarness gateway, HttpRequestMessage request, bool sign = true, HttpClient? client = null)
    {
        if (sign && request.Content is { } content)
            request.Headers.Add("X-Signature", Signing.Header(await content.ReadAsByteArrayAsync(), secret: SigningSecret));
        request.Headers.Authorization ??= new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", CallerCredential);
        using var response = await (client ?? gateway.Client).SendAsync(request);
        _responses.Add($"{(int)response.StatusCode} {response.ReasonPhrase}\n{response.Headers}{response.Content.Headers}\n{await response.Content.ReadAsStringAsync()}");
        return (int)response.StatusCode;
    }

    private static HttpRequestMessage Put(string id, string body, string contentType = "application/vnd.api+json", string? query = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"access_tokens/{id}{query}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return request;
    }

    private static string Doc(string id = Seed.EditableTokenId, string name = "Leak test", bool cda = true, bool preview = false, bool cma = false, JsonObject? meta = null)
    {
        var document = Documents.Update(id, name: name, cda: cda, preview: preview, cma: cma);
        return (meta is null ? document : document.WithMeta(meta)).ToJsonString();
    }

    [Fact]
    public async Task No_secret_reaches_a_log_line_an_audit_record_or_a_response_on_any_path()
    {
        var main = await StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Settings["Signatures:Enabled"] = "true";
        });
        main.Vault!.SetSecret("webhook-signing-secret", SigningSecret);
        var state = main.Simulator.State;
        var statuses = new List<(string Path, int Status)>();
        async Task Run(string path, int expected, Task<int> call)
        {
            var status = await call;
            statuses.Add((path, status));
            Assert.True(expected == status, $"{path}: expected {expected}, got {status}\n{_responses[^1]}");
        }

        // Success, in each of its forms.
        await Run("applied", 200, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Applied"))));
        await Run("applied, key in code", 200, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Via code"), query: "?code=" + SecondKey), client: Anonymous(main)));
        await Run("dry run", 200, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Dry", meta: new JsonObject { ["dry_run"] = true }))));
        await Run("no change", 200, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Via code", meta: new JsonObject { ["reason"] = "Already so" }))));
        await Run("escalation approved", 200, SendAsync(main, Put(Seed.SecondEditableTokenId, Doc(Seed.SecondEditableTokenId, cma: true,
            meta: new JsonObject
            {
                ["requested_by"] = "alice", ["approved_by"] = "bob", ["expires_at"] = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["expected"] = new JsonObject { ["name"] = "Preview API token", ["can_access_cda"] = true, ["can_access_cda_preview"] = true, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId },
            }))));

        // Every refusal the gateway makes itself.
        await Run("malformed JSON", 400, SendAsync(main, Put(Seed.EditableTokenId, "{\"data\":")));
        await Run("too large", 413, SendAsync(main, Put(Seed.EditableTokenId, Doc(meta: new JsonObject { ["reason"] = new string('r', 70_000) }))));
        await Run("content type", 415, SendAsync(main, Put(Seed.EditableTokenId, Doc(), "text/plain")));
        var withSecret = Documents.Update(Seed.EditableTokenId);
        withSecret["data"]!["attributes"]!["token"] = Seed.SecretFor(Seed.EditableTokenId);
        await Run("read-only token attribute, holding a real secret", 422, SendAsync(main, Put(Seed.EditableTokenId, withSecret.ToJsonString())));
        await Run("built-in token", 422, SendAsync(main, Put(Seed.AdminBuiltInTokenId, Doc(Seed.AdminBuiltInTokenId))));
        await Run("unknown token", 404, SendAsync(main, Put("999999", Doc("999999"))));
        await Run("escalation without approval", 403, SendAsync(main, Put(Seed.EditableTokenId, Doc(cma: true))));
        await Run("stale approval", 409, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Stale", meta: new JsonObject
        {
            ["expected"] = new JsonObject { ["name"] = "Not this", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId },
        }))));
        await Run("no function key", 401, SendAsync(main, Put(Seed.EditableTokenId, Doc()), client: Anonymous(main)));
        await Run("wrong function key", 401, SendAsync(main, Put(Seed.EditableTokenId, Doc(), query: "?code=" + SecondKey + "0"), client: Anonymous(main)));
        await Run("signature missing", 401, SendAsync(main, Put(Seed.EditableTokenId, Doc()), sign: false));
        var unsigned = Put(Seed.EditableTokenId, Doc());
        unsigned.Headers.Add("X-Signature", "t=1,v1=" + SigningSecret);
        await Run("signature malformed (the secret itself as the signature)", 401, SendAsync(main, unsigned, sign: false));
        var forged = Put(Seed.EditableTokenId, Doc());
        forged.Headers.Add("X-Signature", Signing.Header(Encoding.UTF8.GetBytes(Doc()), secret: SigningSecret + "-guess"));
        await Run("signature invalid", 401, SendAsync(main, forged, sign: false));
        var stale = Put(Seed.EditableTokenId, Doc());
        stale.Headers.Add("X-Signature", Signing.Header(Encoding.UTF8.GetBytes(Doc()), Signing.Now - 3_600, SigningSecret));
        await Run("signature expired", 401, SendAsync(main, stale, sign: false));
        var early = Put(Seed.EditableTokenId, Doc());
        early.Headers.Add("X-Signature", Signing.Header(Encoding.UTF8.GetBytes(Doc()), Signing.Now + 3_600, SigningSecret));
        await Run("signature from the future", 401, SendAsync(main, early, sign: false));
        var once = Doc(name: "Once");
        var onceSignature = Signing.Header(Encoding.UTF8.GetBytes(once), secret: SigningSecret);
        foreach (var (path, expected) in new[] { ("signed once", 200), ("signature replayed", 401) })
        {
            var request = Put(Seed.EditableTokenId, once);
            request.Headers.Add("X-Signature", onceSignature);
            await Run(path, expected, SendAsync(main, request, sign: false));
        }
        await Run("wrong method", 404, SendAsync(main, new HttpRequestMessage(HttpMethod.Delete, "access_tokens/" + Seed.EditableTokenId)));
        // The read routes: DatoCMS's documents carry every token's secret; the gateway's answers carry none.
        await Run("read one", 200, SendAsync(main, new HttpRequestMessage(HttpMethod.Get, "access_tokens/" + Seed.EditableTokenId)));
        await Run("read the gateway's own", 200, SendAsync(main, new HttpRequestMessage(HttpMethod.Get, "access_tokens/" + Seed.GatewayTokenId)));
        await Run("read all", 200, SendAsync(main, new HttpRequestMessage(HttpMethod.Get, "access_tokens")));
        await Run("unknown path", 404, SendAsync(main, new HttpRequestMessage(HttpMethod.Get, "admin?code=" + SecondKey)));

        // DatoCMS's own troubles: a retried 503, a rotated CMA token, a failure outlasting the retries.
        state.Faults.Add(new Fault(FaultKind.ServerError, Count: 1, StatusCode: 503));
        await Run("retried after a 503", 200, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "After a retry"))));
        state.Options.ApiTokens.Remove(GatewayHarness.CmaToken);
        state.Options.ApiTokens.Add(RotatedCmaToken);
        main.Vault.SetSecret(GatewayHarness.CmaSecretName, RotatedCmaToken);
        await Run("CMA token rotated: 401, vault re-read", 200, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "After rotation"))));
        state.Faults.SetPersistent(new Fault(FaultKind.ServerError, StatusCode: 500));
        await Run("DatoCMS keeps failing", 502, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Never"))));
        state.Faults.Clear();

        // The audit queue gone: nothing is applied.
        await main.AuditRecordsAsync(); // keeps what was written before the queue goes
        await main.AuditQueue.DeleteAsync();
        await Run("audit queue unavailable", 503, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Unaudited"))));
        await main.AuditQueue.CreateAsync();

        // The queue path: applied, refused (with a secret in it), and a transient failure retried.
        await main.ChangeQueue.SendMessageAsync(Doc(name: "From the queue"));
        await main.ChangeQueue.SendMessageAsync(withSecret.ToJsonString());
        state.Faults.Add(new Fault(FaultKind.ServerError, Count: 12, StatusCode: 500, PathPrefix: "/access_tokens/" + Seed.SecondEditableTokenId));
        await main.ChangeQueue.SendMessageAsync(Doc(Seed.SecondEditableTokenId, name: "Queued, retried"));
        static bool FromQueue(JsonObject record, string outcome) => (string?)record["source"] == "queue" && (string?)record["outcome"] == outcome;
        await main.WaitForAuditAsync(r => r.Any(a => FromQueue(a, "applied")) && r.Any(a => FromQueue(a, "rejected")) && r.Any(a => FromQueue(a, "failed")), TimeSpan.FromSeconds(60));

        // A rate limit that outlasts the retry budget (last on this gateway: it then holds back for the whole reset period).
        state.Faults.Clear();
        state.Faults.Add(new Fault(FaultKind.RateLimitStorm, Count: 10, ResetSeconds: 60));
        await Run("rate limit outlasting the budget", 429, SendAsync(main, Put(Seed.EditableTokenId, Doc(name: "Limited"))));
        state.Faults.Clear();

        // Key Vault unreachable with nothing cached; the replay store unreachable.
        var vaultDown = await StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.SharedSimulator = main.Simulator;
            o.Settings["KeyVault:CacheDuration"] = "00:00:00";
        });
        vaultDown.Vault!.FailWith = HttpStatusCode.ServiceUnavailable;
        await Run("Key Vault down", 503, SendAsync(vaultDown, Put(Seed.EditableTokenId, Doc(name: "No vault")), sign: false));
        var deadTables = new TableServiceClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });
        var replayDown = await StartAsync(o =>
        {
            o.SharedSimulator = main.Simulator;
            o.Settings["Signatures:Enabled"] = "true";
            o.Settings["Signatures:DevelopmentSecret"] = SigningSecret;
            o.Services = s => s.Replace(ServiceDescriptor.Singleton(deadTables));
        });
        await Run("replay store down", 503, SendAsync(replayDown, Put(Seed.EditableTokenId, Doc(name: "No table"))));

        // Everything written anywhere.
        var audit = (await main.AuditRecordsAsync()).Select(r => r.ToJsonString()).ToList();
        var logs = string.Join('\n', _gateways.Select(g => g.Logs.AllText));
        // The risky categories were captured: the pipeline's own lines, the Azure SDK's requests, the host's own. (The CMA
        // client's HttpClient has its request loggers removed altogether: see DatoCmsServiceCollectionExtensions.)
        Assert.Contains("AccessTokenGateway.Changes.ChangePipeline", logs);
        Assert.Contains("Azure.Core", logs);
        Assert.Contains("Microsoft.AspNetCore.Server.Kestrel", logs);
        var secrets = new Dictionary<string, string>
        {
            ["the CMA token"] = GatewayHarness.CmaToken,
            ["the rotated CMA token"] = RotatedCmaToken,
            ["the function key"] = GatewayHarness.FunctionKey,
            ["the second function key"] = SecondKey,
            ["the signing secret"] = SigningSecret,
            ["the caller's Authorization header"] = CallerCredential,
            ["the vault's access token"] = FakeKeyVault.AccessToken,
        };
        foreach (var token in Seed.Tokens()) secrets[$"token {token.Id}'s secret"] = token.Token!;

        var leaks = (from secret in secrets
                     from place in new[] { ("logs", logs), ("audit", string.Join('\n', audit)), ("responses", string.Join('\n', _responses)) }
                     where place.Item2.Contains(secret.Value, StringComparison.OrdinalIgnoreCase)
                     select $"{secret.Key} in the {place.Item1}: …{Around(place.Item2, secret.Value)}…").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n\n", leaks));
        Assert.Equal(34, statuses.Count);
    }

    /// <summary>A client without the harness's function key.</summary>
    private HttpClient Anonymous(GatewayHarness gateway)
    {
        var client = new HttpClient { BaseAddress = gateway.BaseUrl };
        _clients.Add(client);
        return client;
    }

    private static string Around(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        return text.Substring(Math.Max(0, at - 300), Math.Min(text.Length - Math.Max(0, at - 300), 300 + secret.Length + 100));
    }
}
