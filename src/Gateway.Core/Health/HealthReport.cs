using System.Text.Json.Nodes;

namespace AccessTokenGateway.Health;

/// <summary>
/// What <c>GET /api/health</c> answers: <c>{"status": "healthy"|"unhealthy", "checks": {"keyVault": {"status": "up"|"down",
/// "durationMs": n}, "storage": {...}, "datoCms": {...}}}</c>. Healthy when every dependency is up. No secret, no token data.
/// </summary>
public sealed record HealthReport(DependencyHealth KeyVault, DependencyHealth Storage, DependencyHealth DatoCms)
{
    public bool Healthy => KeyVault.Up && Storage.Up && DatoCms.Up;

    public JsonObject ToJson() => new()
    {
        ["status"] = Healthy ? "healthy" : "unhealthy",
        ["checks"] = new JsonObject
        {
            ["keyVault"] = Check(KeyVault),
            ["storage"] = Check(Storage),
            ["datoCms"] = Check(DatoCms),
        },
    };

    private static JsonObject Check(DependencyHealth health) => new() { ["status"] = health.Up ? "up" : "down", ["durationMs"] = health.DurationMs };
}
