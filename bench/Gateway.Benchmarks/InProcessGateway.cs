using System.Diagnostics;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.LocalHost;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using Azure.Core;
using DatoCmsSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

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

    private InProcessGateway(WebApplication host, HttpClient client, TimedAuditSink audit, TimedDatoCmsClient datoCms, TimedTokenLocks locks, TimeSpan startup)
        => (Host, Client, Audit, DatoCms, Locks, Startup) = (host, client, audit, datoCms, locks, startup);

    public WebApplication Host { get; }
    public HttpClient Client { get; }
    public TimedAuditSink Audit { get; }
    public TimedDatoCmsClient DatoCms { get; }
    public TimedTokenLocks Locks { get; }
    /// <summary>From building the host to the first change applied through it.</summary>
    public TimeSpan Startup { get; }
    /// <summary>Changes this host has been sent (HTTP and queue), for the vault's reads per 1,000.</summary>
    public long ChangesServed;

    /// <summary>Where the in-process start-up went (for the progress log).</summary>
    public static string StartupSteps { get; private set; } = "";

    public CachedSecret CmaToken => (CachedSecret)Host.Services.GetRequiredKeyedService<ISecretSource>(SecretsServiceCollectionExtensions.CmaToken);

    /// <param name="storageExcluded">
    /// Audit records serialised but not sent, and the per-token lock in-process instead of a blob lease: what the gateway
    /// itself adds, without storage's round trips. For the latency decomposition only; never how the gateway runs.
    /// </param>
    public static async Task<InProcessGateway> StartAsync(AzuriteProcess storage, SimulatorServer simulator, FakeKeyVault vault, bool storageExcluded = false)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["DatoCms:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["LocalHost:FunctionKeys:default"] = FunctionKey,
            ["Approvals:TrustedCallers:0"] = "function_key:default",
            ["KeyVault:VaultUri"] = vault.VaultUri.ToString(),
            ["KeyVault:CmaTokenSecretName"] = CmaSecretName,
            ["KeyVault:CacheDuration"] = VaultCacheDuration.ToString(),
        };
        TimedAuditSink? audit = null;
        TimedDatoCmsClient? datoCms = null;
        TimedTokenLocks? locks = null;
        var host = LocalGatewayHost.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Services.Replace(ServiceDescriptor.Singleton<TokenCredential>(new TestCredential()));
            builder.Services.Replace(ServiceDescriptor.Singleton(vault.ClientOptions()));
            if (storageExcluded)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IAuditSink>(new SerializingNullAuditSink()));
                builder.Services.Replace(ServiceDescriptor.Singleton<ITokenLocks>(new InProcessTokenLocks(TimeSpan.FromSeconds(30))));
            }
            // The gateway's own registrations, timed from outside.
            Decorate.With<IAuditSink>(builder.Services, inner => audit ??= new TimedAuditSink(inner));
            Decorate.With<IDatoCmsClient>(builder.Services, inner => datoCms ??= new TimedDatoCmsClient(inner));
            Decorate.With<ITokenLocks>(builder.Services, inner => locks ??= new TimedTokenLocks(inner));
        });
        var built = Stopwatch.GetElapsedTime(started);
        await host.StartAsync();
        var listening = Stopwatch.GetElapsedTime(started);
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = Changes.GatewayClient(new Uri(address + "/api/"), FunctionKey);
        var token = Seed.EditableTokenId;
        await Changes.SendOkAsync(client, Changes.GatewayPut(token, Changes.GatewayBody(simulator, token, "First served request")));
        var gateway = new InProcessGateway(host, client, audit!, datoCms!, locks!, Stopwatch.GetElapsedTime(started));
        StartupSteps = $"built {built.TotalMilliseconds:N0} ms, listening {listening.TotalMilliseconds:N0} ms, first change applied {gateway.Startup.TotalMilliseconds:N0} ms";
        gateway.ChangesServed = 1;
        return gateway;
    }

    private readonly long _createdAt = Stopwatch.GetTimestamp();
    private int _settled;
    private static long s_readAttempts, s_changes, s_cachePeriods;

    /// <summary>Adds this host's vault reads, changes and lifetime (in cache periods) to the run's totals; once.</summary>
    public void Settle()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0) return;
        Interlocked.Add(ref s_readAttempts, CmaToken.VaultReads);
        Interlocked.Add(ref s_changes, Interlocked.Read(ref ChangesServed));
        Interlocked.Add(ref s_cachePeriods, (long)Math.Ceiling((Startup + Stopwatch.GetElapsedTime(_createdAt)) / VaultCacheDuration));
    }

    /// <summary>The Key Vault figures over every in-process host settled so far.</summary>
    public static VaultFigures VaultFigures(int successfulReads) =>
        new(successfulReads, Interlocked.Read(ref s_readAttempts), Interlocked.Read(ref s_changes), (int)Interlocked.Read(ref s_cachePeriods), VaultCacheDuration);

    public async ValueTask DisposeAsync()
    {
        Settle();
        Client.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
