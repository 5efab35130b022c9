namespace AccessTokenGateway.Tests.Diagnostics;

/// <summary>
/// The gateway's meter and activity source are process-wide: tests that listen to them run alone, after the parallel
/// ones, so what they count is what they caused.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (process-wide listeners)";
}
