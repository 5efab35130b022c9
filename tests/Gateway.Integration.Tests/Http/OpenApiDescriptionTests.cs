using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Json.Schema;

namespace AccessTokenGateway.Tests.Http;

/// <summary>
/// <c>GET /api/openapi.json</c> over real HTTP, and the running gateway's answers checked against the schemas the
/// description gives them: the description is only worth importing if what the gateway sends matches it.
/// </summary>
public sealed class OpenApiDescriptionTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private static readonly byte[] CheckedIn = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "openapi", "openapi.json"));

    [Fact]
    public async Task Description_is_served_as_checked_in_with_the_function_key_in_the_header_or_the_query()
    {
        var byHeader = await Gateway.Client.GetAsync("openapi.json");
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseUrl };
        var byQuery = await anonymous.GetAsync("openapi.json?code=" + GatewayHarness.FunctionKey);

        foreach (var answer in new[] { byHeader, byQuery })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal(CheckedIn, await answer.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Description_is_refused_without_a_valid_function_key_with_the_hosts_empty_401()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseUrl };
        foreach (var path in new[] { "openapi.json", "openapi.json?code=wrong-key" })
        {
            var answer = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Empty(await answer.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Answers_of_the_change_route_match_their_described_schemas_and_headers()
    {
        var dryRun = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Renamed").WithMeta(new JsonObject { ["dry_run"] = true }).ToJsonString());
        var applied = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Renamed", cda: false).WithMeta(new JsonObject { ["requested_by"] = "alice", ["reason"] = "Revoke" }).ToJsonString());
        var unchanged = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Renamed", cda: false).ToJsonString());
        var invalid = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "").ToJsonString());
        var builtIn = await Gateway.PutAsync(Seed.ReadOnlyBuiltInTokenId, Documents.Update(Seed.ReadOnlyBuiltInTokenId, cda: false, roleId: Seed.EditorRoleId).ToJsonString());
        var wrongType = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId).ToJsonString(), contentType: "text/plain");
        var malformed = await Gateway.PutAsync(Seed.EditableTokenId, "{\"data\":");
        var stale = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Renamed")
            .WithMeta(new JsonObject { ["expected"] = new JsonObject { ["name"] = "Old", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId } }).ToJsonString());

        var outcomes = new List<string>();
        foreach (var (answer, status) in new[] { (dryRun, 200), (applied, 200), (unchanged, 200), (invalid, 422), (builtIn, 422), (wrongType, 415), (malformed, 400), (stale, 409) })
        {
            Assert.Equal((HttpStatusCode)status, answer.StatusCode);
            var body = await AssertMatchesAsync(answer, "/access_tokens/{id}", "put");
            if (status == 200) outcomes.Add((string)body["meta"]!["outcome"]!);
        }
        Assert.Equal(["dry_run", "applied", "no_change"], outcomes);
    }

    [Fact]
    public async Task Answers_of_the_read_routes_match_their_described_schemas()
    {
        await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Audited").ToJsonString());
        await Gateway.WaitForAuditAsync(records => records.Count > 0);

        var audit = await Gateway.Client.GetAsync("audit?token_id=" + Seed.EditableTokenId);
        var auditRefused = await Gateway.Client.GetAsync("audit?bogus=1");
        var grants = await Gateway.Client.GetAsync("grants");
        var grantsRefused = await Gateway.Client.GetAsync("grants?token_id=..%2F312");

        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.NotEmpty((await AssertMatchesAsync(audit, "/audit", "get"))["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, auditRefused.StatusCode);
        await AssertMatchesAsync(auditRefused, "/audit", "get");
        Assert.Equal(HttpStatusCode.OK, grants.StatusCode);
        await AssertMatchesAsync(grants, "/grants", "get");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, grantsRefused.StatusCode);
        await AssertMatchesAsync(grantsRefused, "/grants", "get");
    }

    /// <summary>
    /// The answer's body against the schema the description gives for its status (or its <c>4XX</c> range), and every
    /// header the description names for it present, except on the host's own empty answers.
    /// </summary>
    private static async Task<JsonNode> AssertMatchesAsync(HttpResponseMessage answer, string path, string method)
    {
        var description = JsonNode.Parse(CheckedIn)!.AsObject();
        var responses = description["paths"]![path]![method]!["responses"]!.AsObject();
        var status = ((int)answer.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var response = Inline(description, responses[status] ?? responses[status[0] + "XX"]
            ?? throw new Xunit.Sdk.XunitException($"{method.ToUpperInvariant()} {path} does not describe a {status} answer."));

        foreach (var header in response["headers"]?.AsObject().Select(h => h.Key) ?? [])
            Assert.True(answer.Headers.Contains(header), $"The {status} answer of {method.ToUpperInvariant()} {path} lacks its described header {header}.");

        var mediaType = answer.Content.Headers.ContentType?.MediaType ?? "";
        var schema = response["content"]?[mediaType]?["schema"]
            ?? throw new Xunit.Sdk.XunitException($"{method.ToUpperInvariant()} {path} does not describe a {status} answer as {mediaType}.");
        var body = await answer.Content.ReadAsStringAsync();
        var results = JsonSchema.FromText(schema.ToJsonString()).Evaluate(JsonDocument.Parse(body).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = results.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? [];
        Assert.True(results.IsValid, $"The {status} answer of {method.ToUpperInvariant()} {path} does not match its schema:\n{string.Join("\n", errors)}\n{body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>A copy of <paramref name="node"/> with every local <c>$ref</c> replaced by what it points at (the description has no cycles).</summary>
    private static JsonNode Inline(JsonObject description, JsonNode node) => node switch
    {
        JsonObject obj when (string?)obj["$ref"] is { } reference => Inline(description,
            reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode)description, (at, step) => at[step.Replace("~1", "/").Replace("~0", "~")]!)),
        JsonObject obj => new JsonObject(obj.Select(m => KeyValuePair.Create(m.Key, m.Value is null ? null : Inline(description, m.Value)))),
        JsonArray array => new JsonArray([.. array.Select(item => item is null ? null : Inline(description, item))]),
        _ => node.DeepClone(),
    };
}
