namespace AccessTokenGateway.Functions.Telemetry;

/// <summary>Where the gateway's meter and spans go besides Azure Monitor: <c>Telemetry:Exporter</c>.</summary>
public static class TelemetryExporters
{
    public const string Setting = "Telemetry:Exporter";

    /// <summary>Every metric and span printed to the console (development).</summary>
    public const string Console = "console";

    /// <summary>OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (default http://localhost:4317): a local collector, Aspire's dashboard, Jaeger.</summary>
    public const string Otlp = "otlp";
}
