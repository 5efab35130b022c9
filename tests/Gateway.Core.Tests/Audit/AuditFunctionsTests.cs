using System.Text.Json.Nodes;
using AccessTokenGateway.Functions.Audit;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>What the Functions host will see of the audit functions: a keyed read route and a one-minute timer.</summary>
public sealed class AuditFunctionsTests
{
    private static JsonNode Binding(string function, string type) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray()
            .Single(f => (string?)f!["name"] == function)!["bindings"]!.AsArray()
            .Single(b => (string?)b!["type"] == type)!;

    [Fact]
    public void The_audit_read_is_a_function_key_GET_on_its_own_route()
    {
        var trigger = Binding("ReadAuditTrail", "httpTrigger");
        Assert.Equal("Function", (string?)trigger["authLevel"]);
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("audit", (string?)trigger["route"]);
    }

    [Fact]
    public void The_reconciler_runs_every_minute()
    {
        Assert.Equal(ReconcileAuditTrailFunction.Schedule, (string?)Binding("ReconcileAuditTrail", "timerTrigger")["schedule"]);
        Assert.Equal("0 */1 * * * *", ReconcileAuditTrailFunction.Schedule);
    }
}
