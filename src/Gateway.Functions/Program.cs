using AccessTokenGateway;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();                          // HTTP through ASP.NET Core integration
builder.Services.AddAccessTokenGateway(builder.Configuration);        // the change pipeline and its dependencies
builder.Build().Run();
