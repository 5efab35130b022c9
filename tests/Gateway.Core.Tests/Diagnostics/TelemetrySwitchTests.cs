using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Functions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccessTokenGateway.Tests.Diagnostics;

/// <summary><c>Telemetry:Exporter</c>: nothing collected without it (or Application Insights); console and otlp collect the gateway's meter and spans; anything else stops start-up.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetrySwitchTests
{
    private static ServiceProvider Build(string? exporter)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [TelemetryExporters.Setting] = exporter }).Build();
        return new ServiceCollection().AddLogging().AddGatewayTelemetry(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Without_a_switch_nothing_is_collected()
    {
        using var services = Build(null);

        Assert.Null(services.GetService<MeterProvider>());
        Assert.Null(services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(TelemetryExporters.Console)]
    [InlineData(TelemetryExporters.Otlp)]
    public void A_local_exporter_collects_the_gateways_meter_and_spans(string exporter)
    {
        using var services = Build(exporter);
        using var metrics = services.GetRequiredService<MeterProvider>();
        using var tracing = services.GetRequiredService<TracerProvider>();

        using var span = GatewayActivity.Source.StartActivity("change");

        Assert.NotNull(span);   // sampled: the tracer provider listens to the gateway's source
    }

    [Fact]
    public void An_unknown_exporter_stops_start_up()
    {
        Assert.Throws<InvalidOperationException>(() => Build("prometheus"));
    }
}
