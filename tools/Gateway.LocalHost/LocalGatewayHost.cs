using AccessTokenGateway.Changes;
using AccessTokenGateway.Functions;
using AccessTokenGateway.Functions.Grants;
using AccessTokenGateway.Functions.Audit;
using AccessTokenGateway.Functions.Health;
using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.Functions.OpenApi;
using AccessTokenGateway.Functions.Telemetry;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.LocalHost;

/// <summary>
/// Serves the Functions app's own function classes where Azure Functions Core Tools cannot be installed:
/// HTTP on Kestrel (<c>/api/access_tokens/{id}</c>, <c>/api/grants</c>, <c>/api/audit</c>, <c>/api/openapi.json</c>, function keys checked; <c>/api/health</c> anonymous), the queue triggers on the
/// WebJobs SDK's storage-queue listener configured from the same host.json, the timer functions on an interval. Tests start it in-process on a port chosen at run time.
/// </summary>
public static class LocalGatewayHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        var hostJson = Path.Combine(AppContext.BaseDirectory, "host.json");
        // The storage SDK logs every queue poll at Information; only its warnings are worth a local reader's time.
        builder.Logging.AddGatewayLogFilters();                            // the Functions app's own filters
        builder.Logging.AddFilter("Host", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Azure.WebJobs", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddAccessTokenGateway(builder.Configuration);    // the core, exactly as the Functions app wires it
        builder.Services.AddGatewayFunctions();                           // the Functions app's function classes
        builder.Services.AddGatewayTelemetry(builder.Configuration);      // Telemetry:Exporter=console|otlp shows the meters locally
        builder.Services.AddSingleton(sp => FunctionKeys.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddHostedService<QueueProvisioner>();            // local queues exist before the listener polls
        builder.AddQueueTriggerListener(hostJson);                         // the Functions runtime's queue listener
        TimerFunctionsService.Register(builder.Services, typeof(AccessTokensFunction).Assembly); // timer functions, on an interval
        customize?.Invoke(builder);

        var app = builder.Build();
        var keys = app.Services.GetRequiredService<FunctionKeys>();
        if (keys.Count == 0)
            throw new OptionsValidationException("LocalHost:FunctionKeys", typeof(FunctionKeys), ["Set at least one LocalHost:FunctionKeys:<name>: the HTTP function requires a function key, as in Azure."]);

        app.MapPut("/api/access_tokens/{id}", async (HttpContext context, string id, AccessTokensFunction function) =>
        {
            var result = await function.Run(context.Request, id);
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        }).AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/access_tokens", (HttpContext context, DatoCmsReadsFunction function) => ExecuteAsync(context, function.ListAccessTokens(context.Request)))
            .AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/access_tokens/{id}", (HttpContext context, string id, DatoCmsReadsFunction function) => ExecuteAsync(context, function.GetAccessToken(context.Request, id)))
            .AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/roles", (HttpContext context, DatoCmsReadsFunction function) => ExecuteAsync(context, function.ListRoles(context.Request)))
            .AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/roles/{id}", (HttpContext context, string id, DatoCmsReadsFunction function) => ExecuteAsync(context, function.GetRole(context.Request, id)))
            .AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/grants", async (HttpContext context, GrantsFunction function) =>
        {
            var result = await function.Run(context.Request);
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        }).AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/audit", async (HttpContext context, AuditTrailFunction function) =>
        {
            var result = await function.Run(context.Request);
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        }).AddEndpointFilter(keys.FilterAsync);
        app.MapGet("/api/openapi.json", async (HttpContext context, OpenApiFunction function) =>
        {
            var result = function.Run(context.Request);
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        }).AddEndpointFilter(keys.FilterAsync);
        // Anonymous, as in Azure: a health check sends no key.
        app.MapGet("/api/health", async (HttpContext context, HealthFunction function) =>
        {
            var result = await function.Run(context.Request);
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        });
        // Any other path or method gets what the Functions host gives it: an empty 404 (the host has no 405).
        app.MapFallback("{**path}", () => Results.NotFound());
        return app;
    }

    private static async Task ExecuteAsync(HttpContext context, Task<IActionResult> answer) =>
        await (await answer).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));

    private static void AddQueueTriggerListener(this WebApplicationBuilder builder, string hostJson)
    {
        builder.Host.ConfigureWebJobs(webJobs => webJobs.AddAzureStorageQueues(options => HostJsonQueues.Apply(options, hostJson)));
        var services = builder.Services;
        services.AddSingleton<Microsoft.Azure.WebJobs.ITypeLocator, AdapterTypeLocator>();
        services.AddSingleton<Microsoft.Azure.WebJobs.Host.IJobActivator, ServiceProviderJobActivator>();
    }
}
