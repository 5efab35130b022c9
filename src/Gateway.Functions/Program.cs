using AccessTokenGateway;
using AccessTokenGateway.Functions;
using AccessTokenGateway.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();                          // HTTP through ASP.NET Core integration
builder.Services.AddAccessTokenGateway(builder.Configuration);        // the change pipeline and its dependencies
builder.Services.AddGatewayAdapters();                                // HTTP admission
builder.Services.AddGatewayTelemetry(builder.Configuration);          // Application Insights and OpenTelemetry, where configured
builder.Logging.AddGatewayLogFilters();                               // the Azure SDK's request logs only from Warning

builder.Build().Run();
