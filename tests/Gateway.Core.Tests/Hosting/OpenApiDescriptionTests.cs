using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Functions.Http;
using AccessTokenGateway.Functions.OpenApi;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Validation;
using Microsoft.Azure.Functions.Worker;

namespace AccessTokenGateway.Tests.Hosting;

/// <summary>
/// Keeps <c>openapi/openapi.json</c> in step with the app: every HTTP route the Functions app declares is described, with
/// its authorization, and nothing else is; every error code and request header the code knows is in it; and the file
/// served is the one checked in. Redocly's lint (test.sh) checks the description itself.
/// </summary>
public sealed class OpenApiDescriptionTests
{
    /// <summary>The Functions host's default route prefix (host.json sets no other): every route is under <c>/api</c>.</summary>
    private const string RoutePrefix = "/api";

    private static readonly string[] Methods = ["get", "put", "post", "patch", "delete", "head", "options"];

    /// <summary>DatoCMS's documented codes (shared/datocms-cma-notes.md), which the gateway passes through with DatoCMS's status.</summary>
    private static readonly string[] DatoCmsCodes =
    [
        "INVALID_AUTHORIZATION_HEADER", "INSUFFICIENT_PERMISSIONS", "INVALID_ACCEPT_HEADER", "INVALID_API_VERSION",
        "INVALID_CONTENT_TYPE_HEADER", "INVALID_JSON_BODY", "INVALID_TYPE", "INVALID_ATTRIBUTES", "INVALID_RELATIONSHIP",
        "INVALID_FIELD", "INVALID_ENVIRONMENT", "ENVIRONMENT_NOT_READY", "NOT_FOUND", "NON_EDITABLE_ACCESS_TOKEN",
        "RATE_LIMIT_EXCEEDED", "MAINTENANCE_MODE", "SERVICE_UNAVAILABLE", "SITE_NOT_READY", "DEACTIVATED_SITE",
    ];

    private static JsonObject Description() => JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "openapi", "openapi.json")))!.AsObject();

    /// <summary>Every <c>[Function]</c> method of the Functions app with an <c>[HttpTrigger]</c>: method, route below the prefix, authorization.</summary>
    private static IEnumerable<(string Method, string Path, AuthorizationLevel Level)> DeclaredRoutes() =>
        from type in typeof(AccessTokensFunction).Assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
        where method.GetCustomAttribute<FunctionAttribute>() is not null
        from parameter in method.GetParameters()
        let trigger = parameter.GetCustomAttribute<HttpTriggerAttribute>()
        where trigger is not null
        from verb in trigger.Methods ?? throw new InvalidOperationException($"{type.Name}.{method.Name} accepts every method: name them.")
        select (verb.ToUpperInvariant(), "/" + (trigger.Route ?? throw new InvalidOperationException($"{type.Name}.{method.Name} has no route.")), trigger.AuthLevel);

    private static IEnumerable<(string Method, string Path, JsonObject Operation)> DescribedOperations(JsonObject description) =>
        from path in description["paths"]!.AsObject()
        from member in path.Value!.AsObject()
        where Methods.Contains(member.Key)
        select (member.Key.ToUpperInvariant(), path.Key, member.Value!.AsObject());

    private static IReadOnlyList<(string Method, string Path, AuthorizationLevel Level)> AppRoutes() =>
        [.. DeclaredRoutes()];

    [Fact]
    public void Every_route_the_app_declares_is_described_and_every_described_operation_is_a_declared_route()
    {
        var declared = AppRoutes().Select(r => $"{r.Method} {r.Path}").Order(StringComparer.Ordinal).ToList();
        var described = DescribedOperations(Description()).Select(o => $"{o.Method} {o.Path}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(declared.Distinct().Count(), declared.Count);
        Assert.Equal(declared, described);
    }

    [Fact]
    public void Every_server_is_the_route_prefix_on_some_host()
    {
        var servers = Description()["servers"]!.AsArray().Select(s => (string)s!["url"]!).ToList();

        Assert.NotEmpty(servers);
        Assert.All(servers, url => Assert.EndsWith(RoutePrefix, url, StringComparison.Ordinal));
        Assert.Contains(RoutePrefix, servers); // relative: whichever host served the description
    }

    [Fact]
    public void Each_operation_asks_for_the_function_key_exactly_when_its_function_does()
    {
        var description = Description();
        var keySchemes = description["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(s => s.Key)).ToList();
        var schemes = description["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal(
            [("header", "x-functions-key"), ("query", "code")],
            keySchemes.Select(name => ((string)schemes[name]!["in"]!, (string)schemes[name]!["name"]!)).ToList());

        var operations = DescribedOperations(description).ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);
        foreach (var (method, path, level) in AppRoutes())
        {
            var security = operations[$"{method} {path}"]["security"];
            if (level == AuthorizationLevel.Anonymous)
                Assert.True(security is JsonArray { Count: 0 }, $"{method} {path} is anonymous: its operation must say security: [].");
            else
                Assert.True(security is null, $"{method} {path} needs a function key: its operation must not override the document's security.");
        }
    }

    [Fact]
    public void Served_description_is_the_checked_in_file_byte_for_byte()
    {
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "openapi", "openapi.json")), OpenApiFunction.Description);
    }

    [Fact]
    public void Description_is_OpenAPI_3_1_with_type_arrays_for_null_never_the_3_0_nullable()
    {
        var description = Description();
        Assert.Equal("3.1.0", (string?)description["openapi"]);
        Assert.DoesNotContain(Members(description), m => m.Name == "nullable");
        // Somewhere a value may be null, and that is said the 3.1 way.
        Assert.Contains(Members(description), m => m.Name == "type" && m.Value is JsonArray types && types.Any(t => (string?)t == "null"));
    }

    [Fact]
    public void Operation_ids_are_unique_camel_case()
    {
        var ids = DescribedOperations(Description()).Select(o => (string?)o.Operation["operationId"]).ToList();

        Assert.All(ids, id => Assert.Matches(new Regex("^[a-z][a-zA-Z0-9]*$"), id ?? ""));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void The_error_code_enum_holds_every_code_of_the_gateway_and_of_DatoCMS_and_no_other()
    {
        var gateway = new[] { typeof(ErrorCodes), typeof(SignatureErrorCodes), typeof(PolicyCodes) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!))
            .Append(AuditQuery.InvalidQueryCode);
        var expected = gateway.Concat(DatoCmsCodes).Distinct().Order(StringComparer.Ordinal).ToList();

        var described = Description()["components"]!["schemas"]!["ErrorCode"]!["enum"]!.AsArray().Select(c => (string)c!).ToList();

        Assert.Equal(described.Count, described.Distinct().Count());
        Assert.Equal(expected, described.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void The_change_route_describes_every_header_it_reads_and_the_audit_headers_it_answers_with()
    {
        var description = Description();
        var put = description["paths"]!["/access_tokens/{id}"]!["put"]!;
        var parameters = put["parameters"]!.AsArray().Select(p => Resolve(description, p!)).ToList();
        var headers = parameters.Where(p => (string?)p["in"] == "header").Select(p => (string)p["name"]!).ToList();
        var queries = parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList();

        Assert.Equal(
            ChangeHeaders.All.Append(WebhookSignature.Header).Append(HttpAdmission.CorrelationHeader).Order(StringComparer.Ordinal),
            headers.Order(StringComparer.Ordinal));
        Assert.Equal(["dry_run"], queries);

        foreach (var (status, response) in put["responses"]!.AsObject())
        {
            var answered = Resolve(description, response!)["headers"]?.AsObject().Select(h => h.Key).ToList() ?? [];
            Assert.True(answered.Contains(OutcomeHttp.AuditIdHeader) && answered.Contains(HttpAdmission.CorrelationHeader),
                $"PUT's {status} answer must describe {OutcomeHttp.AuditIdHeader} and {HttpAdmission.CorrelationHeader}.");
        }
    }

    private static JsonNode Resolve(JsonObject description, JsonNode node)
    {
        if ((string?)node["$ref"] is not { } reference) return node;
        return reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode)description, (at, step) => at[step.Replace("~1", "/").Replace("~0", "~")]!);
    }

    private static IEnumerable<(string Name, JsonNode? Value)> Members(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(m => Members(m.Value).Prepend((m.Key, m.Value))),
        JsonArray array => array.SelectMany(Members),
        _ => [],
    };
}
