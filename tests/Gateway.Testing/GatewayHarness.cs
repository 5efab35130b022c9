using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.LocalHost;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using AccessTokenGateway.Audit;
using DatoCmsSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Tests.Support;

public sealed class HarnessOptions
{
    /// <summary>Extra configuration for the gateway (section:key).</summary>
    public Dictionary<string, string?> Settings { get; } = new();
    /// <summary>Read the CMA token through the real SecretClient from a <see cref="FakeKeyVault"/>; otherwise a Development token.</summary>
    public bool UseKeyVault { get; set; }
    public FakeKeyVault? SharedVault { get; set; }
    public SimulatorServer? SharedSimulator { get; set; }
    public SimulatorOptions? SimulatorOptions { get; set; }
    public TimeProvider? TimeProvider { get; set; }
    public Action<IServiceCollection>? Services { get; set; }
    /// <summary>
    /// Run the queue functions (changes, reverts). Off, they are disabled as on the Functions host, by
    /// <c>AzureWebJobs.&lt;function&gt;.Disabled</c>, which the WebJobs SDK's indexer honours: the gateway then takes no message,
    /// so it cannot take one meant for another gateway on the same storage.
    /// </summary>
    public bool StartQueueListener { get; set; } = true;
    /// <summary>Run the app's timer functions (the grant sweeper) on the local host's interval; off by default, so tests call them.</summary>
    public bool RunTimers { get; set; }
}

/// <summary>
/// A whole local deployment for one test: the DatoCMS simulator and the local host (the Functions app's own function
/// classes) on loopback ports chosen at run time, wired to the Azurite it is given, every log line captured.
/// </summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    public const string FunctionKey = "test-function-key-0f3c9a";
    public const string CmaSecretName = "datocms-cma-token";
    public const string CmaToken = "sim-cma-token";
    /// <summary>The revert key: the vault's <c>grant-revert-key</c>, or the Development stand-in.</summary>
    public const string RevertKey = "harness-grant-revert-key-0123456789abcdef";
    public const string RevertKeySecretName = "grant-revert-key";

    /// <summary>The queue-triggered functions the local host runs, by the names its adapter gives them (the app's own).</summary>
    public static readonly string[] QueueFunctions = [.. typeof(QueueTriggerAdapter).GetMethods()
        .Select(method => method.GetCustomAttribute<FunctionNameAttribute>()?.Name).OfType<string>()];

    private readonly bool _ownsSimulator, _ownsVault;
    private readonly List<JsonObject> _audit = [];

    private GatewayHarness(SimulatorServer simulator, FakeKeyVault? vault, WebApplication host, Uri baseUrl, LogCapture logs, AzuriteProcess storage, bool ownsSimulator, bool ownsVault)
    {
        (Simulator, Vault, Host, BaseUrl, Logs, Storage, _ownsSimulator, _ownsVault) = (simulator, vault, host, baseUrl, logs, storage, ownsSimulator, ownsVault);
        Client = new HttpClient { BaseAddress = baseUrl };
        Client.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
    }

    public SimulatorServer Simulator { get; }
    public FakeKeyVault? Vault { get; }
    public WebApplication Host { get; }
    /// <summary>The gateway's base URL, ending in <c>/api/</c>.</summary>
    public Uri BaseUrl { get; }
    public HttpClient Client { get; }
    public LogCapture Logs { get; }
    public AzuriteProcess Storage { get; }
    public IServiceProvider Services => Host.Services;

    public static async Task<GatewayHarness> StartAsync(AzuriteProcess storage, Action<HarnessOptions>? configure = null)
    {
        var options = new HarnessOptions();
        configure?.Invoke(options);

        var simulator = options.SharedSimulator ?? await SimulatorServer.StartAsync(options.SimulatorOptions);
        var vault = options.SharedVault ?? (options.UseKeyVault ? await FakeKeyVault.StartAsync() : null);
        vault?.SetSecret(CmaSecretName, CmaToken);
        vault?.SetSecret(RevertKeySecretName, RevertKey);
        var logs = new LogCapture();

        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["DatoCms:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["DatoCms:RetryBaseDelay"] = "00:00:00.010",
            ["LocalHost:FunctionKeys:default"] = FunctionKey,
            // As ./run.sh does: the default key's caller may assert approvals (a test of untrusted callers overrides it).
            ["Approvals:TrustedCallers:0"] = "function_key:default",
            ["KeyVault:VaultUri"] = vault?.VaultUri.ToString(),
            ["KeyVault:DevelopmentCmaToken"] = vault is null ? CmaToken : null,
            ["KeyVault:CmaTokenSecretName"] = CmaSecretName,
            ["Grants:DevelopmentRevertKey"] = vault is null ? RevertKey : null,
            ["LocalHost:Timers:Enabled"] = options.RunTimers ? "true" : "false",
        };
        if (!options.StartQueueListener)
            foreach (var function in QueueFunctions) settings[$"AzureWebJobs.{function}.Disabled"] = "true";
        foreach (var (key, value) in options.Settings) settings[key] = value;

        var host = LocalGatewayHost.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
            if (vault is not null)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<TokenCredential>(new TestCredential()));
                builder.Services.Replace(ServiceDescriptor.Singleton(vault.ClientOptions()));
            }
            if (options.TimeProvider is { } time) builder.Services.Replace(ServiceDescriptor.Singleton(time));
            options.Services?.Invoke(builder.Services);
        });
        await host.StartAsync();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHarness(simulator, vault, host, new Uri(address + "/api/"), logs, storage, options.SharedSimulator is null, options.SharedVault is null && vault is not null);
    }

    public Task<HttpResponseMessage> PutAsync(string id, string body, string contentType = "application/vnd.api+json", Action<HttpRequestMessage>? customize = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "access_tokens/" + id)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        customize?.Invoke(request);
        return Client.SendAsync(request);
    }

    public QueueClient AuditQueue => Storage.Queue(AccessTokenGateway.Changes.QueueNames.Audit);
    public QueueClient ChangeQueue => Storage.Queue(AccessTokenGateway.Changes.QueueNames.Changes);
    public QueueClient PoisonQueue => Storage.Queue(AccessTokenGateway.Changes.QueueNames.ChangesPoison);
    public QueueClient RevertQueue => Storage.Queue(AccessTokenGateway.Changes.QueueNames.GrantReverts);
    public QueueClient RevertPoisonQueue => Storage.Queue(AccessTokenGateway.Changes.QueueNames.GrantRevertsPoison);

    /// <summary>Every audit record read from the queue so far (reading removes them from the queue; they are kept here).</summary>
    public async Task<IReadOnlyList<JsonObject>> AuditRecordsAsync()
    {
        await foreach (var text in Drain(AuditQueue)) _audit.Add(JsonNode.Parse(text)!.AsObject());
        return _audit.ToList();
    }

    public BlobContainerClient Archive => new BlobServiceClient(Storage.ConnectionString).GetBlobContainerClient(AuditArchive.ContainerName);

    /// <summary>Every record in the audit archive (every chain, every writer on this Azurite), in chain order.</summary>
    public async Task<IReadOnlyList<JsonObject>> ArchiveRecordsAsync()
    {
        var records = new List<JsonObject>();
        if (!await Archive.ExistsAsync()) return records;
        await foreach (var blob in Archive.GetBlobsAsync())
        {
            var content = (await Archive.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            records.AddRange(AuditArchiveReader.Parse(content.ToMemory()).Select(r => r.Json));
        }
        return records;
    }

    /// <summary>The raw text of every audit message read so far.</summary>
    public static async IAsyncEnumerable<string> Drain(QueueClient queue)
    {
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) yield break;
            foreach (var message in batch)
            {
                yield return message.Body.ToString();
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds over the audit records read so far.</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForAuditAsync(Func<IReadOnlyList<JsonObject>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var records = await AuditRecordsAsync();
            if (condition(records)) return records;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Audit condition not met; {records.Count} records: {string.Join("\n", records.Select(r => r.ToJsonString()))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
        if (_ownsSimulator) await Simulator.DisposeAsync();
        if (_ownsVault && Vault is not null) await Vault.DisposeAsync();
    }
}
