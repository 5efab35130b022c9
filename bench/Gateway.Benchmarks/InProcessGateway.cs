using System.Diagnostics;
using AccessTokenGateway.Audit;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.LocalHost;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using Azure.Core;
using Azure.Storage.Queues;
using DatoCmsSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Benchmarks;

/// <summary>
/// The local host in this process, as the tests' harness starts it: the CMA token read through the real SecretClient
/// from <see cref="FakeKeyVault"/>, audit writes timed, logging off (no console in the measured path).
/// </summary>
internal sealed class InProcessGateway : IAsyncDisposable
{
    public const string FunctionKey = "bench-function-key";
    public const string CmaSecretName = "datocms-cma-token";
    public static readonly TimeSpan VaultCacheDuration = TimeSpan.FromMinutes(1);

    private InProcessGateway(WebApplication host, HttpClient client, TimedAuditSink audit, TimedDatoCmsClient datoCms, TimeSpan startup)
        => (Host, Client, Audit, DatoCms, Startup) = (host, client, audit, datoCms, startup);

    public WebApplication Host { get; }
    public HttpClient Client { get; }
    public TimedAuditSink Audit { get; }
    public TimedDatoCmsClient DatoCms { get; }
    /// <summary>From building the host to the first change applied through it.</summary>
    public TimeSpan Startup { get; }
    /// <summary>Changes this host has been sent (HTTP and queue), for the vault's reads per 1,000.</summary>
    public long ChangesServed;

    /// <summary>Where the in-process start-up went (for the progress log).</summary>
    public static string StartupSteps { get; private set; } = "";

    public CachedSecret CmaToken => (CachedSecret)Host.Services.GetRequiredKeyedService<ISecretSource>(SecretsServiceCollectionExtensions.CmaToken);

    public static async Task<InProcessGateway> StartAsync(Azurite storage, SimulatorServer simulator, FakeKeyVault vault)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["DatoCms:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["LocalHost:FunctionKeys:default"] = FunctionKey,
            ["KeyVault:VaultUri"] = vault.VaultUri.ToString(),
            ["KeyVault:CmaTokenSecretName"] = CmaSecretName,
            ["KeyVault:CacheDuration"] = VaultCacheDuration.ToString(),
        };
        TimedAuditSink? audit = null;
        TimedDatoCmsClient? datoCms = null;
        var host = LocalGatewayHost.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Services.Replace(ServiceDescriptor.Singleton<TokenCredential>(new TestCredential()));
            builder.Services.Replace(ServiceDescriptor.Singleton(vault.ClientOptions()));
            builder.Services.AddSingleton<IAuditSink>(sp => audit = new TimedAuditSink(new QueueAuditSink(
                sp.GetRequiredService<QueueServiceClient>().GetQueueClient(sp.GetRequiredService<IOptions<AuditOptions>>().Value.QueueName))));
            builder.Services.AddSingleton<IDatoCmsClient>(sp => datoCms = new TimedDatoCmsClient(new DatoCmsClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(IDatoCmsClient)), sp.GetRequiredService<IOptions<DatoCmsOptions>>())));
        });
        var built = Stopwatch.GetElapsedTime(started);
        await host.StartAsync();
        var listening = Stopwatch.GetElapsedTime(started);
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = Changes.GatewayClient(new Uri(address + "/api/"), FunctionKey);
        var token = Seed.EditableTokenId;
        await Changes.SendOkAsync(client, Changes.GatewayPut(token, Changes.GatewayBody(simulator, token, "First served request")));
        var gateway = new InProcessGateway(host, client, audit!, datoCms!, Stopwatch.GetElapsedTime(started));
        StartupSteps = $"built {built.TotalMilliseconds:N0} ms, listening {listening.TotalMilliseconds:N0} ms, first change applied {gateway.Startup.TotalMilliseconds:N0} ms";
        gateway.ChangesServed = 1;
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
