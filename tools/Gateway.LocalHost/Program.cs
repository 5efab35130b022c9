using AccessTokenGateway.LocalHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var app = LocalGatewayHost.Build(args);
app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    Console.WriteLine($"Access Token Gateway (local host) listening on {string.Join(", ", addresses.Select(a => a + "/api"))}");
});
app.Run();
