using AccessTokenGateway.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccessTokenGateway.Functions.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    private const string ConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Telemetry, wherever it is configured. With Application Insights (in Azure, identity-based ingestion, see infra/):
    /// logs through its worker SDK, the <c>AccessTokenGateway</c> meter and spans through OpenTelemetry's Azure Monitor
    /// exporter. With <c>Telemetry:Exporter</c> = <c>console</c> or <c>otlp</c>: the same meter and spans, locally.
    /// Neither: nothing is collected (the meter can still be read with <c>dotnet-counters</c>).
    /// </summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var azureMonitor = !string.IsNullOrEmpty(configuration[ConnectionString]);
        var exporter = configuration[TelemetryExporters.Setting];
        if (azureMonitor)
        {
            services.AddApplicationInsightsTelemetryWorkerService();
            services.ConfigureFunctionsApplicationInsights();
        }
        if (!azureMonitor && string.IsNullOrEmpty(exporter)) return services;
        if (!string.IsNullOrEmpty(exporter) && exporter is not (TelemetryExporters.Console or TelemetryExporters.Otlp))
            throw new InvalidOperationException($"{TelemetryExporters.Setting} is '{exporter}': it takes '{TelemetryExporters.Console}' or '{TelemetryExporters.Otlp}', or nothing.");

        // Managed identity in Azure (AZURE_CLIENT_ID names the user-assigned one): the component refuses key-based ingestion.
        TokenCredential? credential = azureMonitor ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = configuration["AZURE_CLIENT_ID"] }) : null;
        services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName);
                if (azureMonitor) metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = configuration[ConnectionString], credential);
                if (exporter == TelemetryExporters.Console) metrics.AddConsoleExporter();
                if (exporter == TelemetryExporters.Otlp) metrics.AddOtlpExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(GatewayActivity.SourceName);
                if (azureMonitor) tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = configuration[ConnectionString], credential);
                if (exporter == TelemetryExporters.Console) tracing.AddConsoleExporter();
                if (exporter == TelemetryExporters.Otlp) tracing.AddOtlpExporter();
            });
        return services;
    }

    /// <summary>
    /// Logs worth their cost: the Azure SDK's request logs (every blob lease, queue write, token request) only from
    /// Warning, for every provider, Application Insights' own rule included (a provider's rule beats a general one).
    /// One line per change, from the pipeline, stays at Information.
    /// </summary>
    public static ILoggingBuilder AddGatewayLogFilters(this ILoggingBuilder logging)
    {
        foreach (var category in AzureSdkCategories)
        {
            logging.AddFilter(category, LogLevel.Warning);
            logging.AddFilter<ApplicationInsightsLoggerProvider>(category, LogLevel.Warning);
        }
        return logging;
    }

    /// <summary>
    /// The Azure SDK's log categories by prefix: its event sources (<c>Azure-Core</c>, <c>Azure-Storage-Blobs</c>,
    /// <c>Azure-Identity</c>…) as forwarded to logging, in either spelling (<c>Azure.Core</c>…).
    /// </summary>
    public static readonly string[] AzureSdkCategories = ["Azure.", "Azure-"];
}
