using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DatoCmsSimulator;

/// <summary>The DatoCMS CMA simulator over real HTTP on 127.0.0.1.</summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int disposed;

    private SimulatorServer(WebApplication app, SimulatorState state, Uri baseUrl)
    {
        this.app = app;
        State = state;
        BaseUrl = baseUrl;
    }

    /// <summary>Base URL with a trailing slash, e.g. http://127.0.0.1:54321/ (the CMA routes sit at its root).</summary>
    public Uri BaseUrl { get; }

    public SimulatorState State { get; }

    /// <summary>Starts a simulator bound to 127.0.0.1 only; port 0 = a free port chosen at run time.</summary>
    public static Task<SimulatorServer> StartAsync(SimulatorOptions? options = null, TimeProvider? timeProvider = null, int port = 0, CancellationToken ct = default) =>
        StartCoreAsync(options, timeProvider, port, standalone: false, ct);

    internal static async Task<SimulatorServer> StartCoreAsync(SimulatorOptions? options, TimeProvider? timeProvider, int port, bool standalone, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var state = new SimulatorState(options, timeProvider);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        if (!standalone)
        {
            // In-process (tests, benchmarks): do not hook the host process's Ctrl+C / SIGTERM.
            builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        }
        builder.Services.AddSingleton(state);

        var app = builder.Build();
        var cma = new CmaApi(state);
        app.Use(next => ctx => ctx.Request.Path.StartsWithSegments("/_simulator", StringComparison.Ordinal) ? next(ctx) : cma.InvokeAsync(ctx));
        AdminEndpoints.Map(app, state);

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        var baseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return new SimulatorServer(app, state, baseUrl);
    }

    internal Task WaitForShutdownAsync(CancellationToken ct = default) => app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private sealed class NoopHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
