using System.Text.Json.Nodes;

namespace AccessTokenGateway.Tests.Hosting;

/// <summary>
/// <c>GET /api/health</c> is the one HTTP function without a key (a platform health check sends none); every other
/// HTTP function, by the metadata the Functions SDK generates, still requires one.
/// </summary>
public sealed class HealthRouteTests
{
    private static IEnumerable<(string Name, JsonNode Trigger)> HttpFunctions() =>
        from function in FunctionsAppTests.Metadata()
        from binding in function!["bindings"]!.AsArray()
        where (string?)binding!["type"] == "httpTrigger"
        select ((string)function["name"]!, binding!);

    [Fact]
    public void Health_is_an_anonymous_GET_on_health_only()
    {
        var (_, trigger) = HttpFunctions().Single(f => f.Name == "Health");

        Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("health", (string?)trigger["route"]);
    }

    [Fact]
    public void No_other_HTTP_function_is_anonymous()
    {
        Assert.All(HttpFunctions().Where(f => f.Name != "Health"), f => Assert.Equal("Function", (string?)f.Trigger["authLevel"]));
        Assert.True(HttpFunctions().Count() >= 4);
    }
}
