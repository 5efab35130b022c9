using AccessTokenGateway;
using AccessTokenGateway.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();                          // HTTP through ASP.NET Core integration
builder.Services.AddAccessTokenGateway(builder.Configuration);        // the change pipeline and its dependencies
builder.Services.AddGatewayAdapters();                                // HTTP admission

// Telemetry only where Application Insights is configured (in Azure: identity-based ingestion, see infra/).
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    builder.Services.AddApplicationInsightsTelemetryWorkerService();
    builder.Services.ConfigureFunctionsApplicationInsights();
}

builder.Build().Run();
