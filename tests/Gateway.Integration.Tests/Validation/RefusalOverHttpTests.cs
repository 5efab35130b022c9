using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>
/// The wiring of validation over real HTTP, for a few representative rules: every rule has its row in the unit tests'
/// <c>ValidationRuleTests</c>; here one of each kind of refusal (the document, its JSON, its content type, its size, the
/// route's id, a header) goes through the local host, answers its status and a DatoCMS-shaped error document, and
/// DatoCMS is asked nothing at all — not even the read that precedes a write.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class RefusalOverHttpTests(AzuriteFixture storage)
{
    private const string Id = Seed.EditableTokenId;
    private const string JsonApi = "application/vnd.api+json";

    public static TheoryData<string, string, string, string, string?, int, string, string?> Refusals() => new()
    {
        { "id not equal to the route", Id, Documents.Update("313").ToJsonString(), JsonApi, null, 422, "INVALID_FIELD", "id" },
        { "not JSON", Id, "{\"data\":", JsonApi, null, 400, "INVALID_JSON_BODY", null },
        { "text/plain", Id, Documents.Update(Id).ToJsonString(), "text/plain", null, 415, "INVALID_CONTENT_TYPE_HEADER", null },
        { "body over 64 KiB", Id, Documents.Update(Id).WithMeta(new JsonObject { ["reason"] = new string('r', 70_000) }).ToJsonString(), JsonApi, null, 413, "REQUEST_TOO_LARGE", null },
        { "route id not a DatoCMS id", "abc%2F..", Documents.Update("abc/..").ToJsonString(), JsonApi, null, 422, "INVALID_FIELD", "id" },
        { "meta and header disagree", Id, Documents.Update(Id).WithMeta(new JsonObject { ["approved_by"] = "bob" }).ToJsonString(), JsonApi, "mallory", 422, "INVALID_META", "meta.approved_by" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_request_over_real_HTTP_gets_its_error_document_and_DatoCMS_is_asked_nothing(
        string rule, string routeId, string body, string contentType, string? approvedByHeader, int status, string code, string? field)
    {
        var gateway = await storage.SharedGatewayAsync();
        var before = gateway.Simulator.State.Requests.Count;

        var response = await gateway.PutAsync(routeId, body, contentType,
            r => { if (approvedByHeader is not null) r.Headers.Add("X-Change-Approved-By", approvedByHeader); });

        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!;
        Assert.True(status == (int)response.StatusCode, $"{rule}: {(int)response.StatusCode} {error}");
        Assert.Equal("api_error", (string?)error["type"]);
        Assert.Equal(response.Headers.GetValues("X-Audit-Id").Single(), (string?)error["id"]);
        Assert.Equal(code, (string?)error["attributes"]!["code"]);
        Assert.Equal(field, (string?)error["attributes"]!["details"]!["field"]);
        Assert.Equal(before, gateway.Simulator.State.Requests.Count);
    }
}
