using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>
/// One row per validation rule: the bad request gets its status, DatoCMS's code (or ours in the same shape) and the
/// field, and DatoCMS is asked nothing at all — not even the read that precedes a write.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ValidationRuleTests(AzuriteFixture storage)
{
    private const string Id = Seed.EditableTokenId;

    public static TheoryData<string, string, int, string, string?> BadDocuments()
    {
        var data = new TheoryData<string, string, int, string, string?>();
        void Add(string rule, Func<JsonObject, JsonNode?> spoil, int status, string code, string? field)
        {
            var document = Documents.Update(Id);
            var replaced = spoil(document);
            data.Add(rule, (replaced ?? document).ToJsonString(), status, code, field);
        }
        JsonObject D(JsonObject doc) => doc["data"]!.AsObject();
        JsonObject A(JsonObject doc) => D(doc)["attributes"]!.AsObject();

        Add("type missing", d => { D(d).Remove("type"); return null; }, 422, "INVALID_TYPE", "type");
        Add("type not access_token", d => { D(d)["type"] = "access_tokens"; return null; }, 422, "INVALID_TYPE", "type");
        Add("type not a string", d => { D(d)["type"] = 1; return null; }, 422, "INVALID_TYPE", "type");
        Add("id missing", d => { D(d).Remove("id"); return null; }, 422, "INVALID_FIELD", "id");
        Add("id not equal to the route", d => { D(d)["id"] = "313"; return null; }, 422, "INVALID_FIELD", "id");
        Add("id a number", d => { D(d)["id"] = 312; return null; }, 422, "INVALID_FIELD", "id");
        Add("data missing", _ => new JsonObject { ["meta"] = new JsonObject() }, 422, "INVALID_FIELD", "data");
        Add("data an array", _ => new JsonObject { ["data"] = new JsonArray() }, 422, "INVALID_FIELD", "data");
        Add("unknown top-level member", d => { d["included"] = new JsonArray(); return null; }, 422, "INVALID_FIELD", "included");
        Add("unknown data member", d => { D(d)["links"] = new JsonObject(); return null; }, 422, "INVALID_FIELD", "data.links");
        Add("attributes missing", d => { D(d).Remove("attributes"); return null; }, 422, "INVALID_ATTRIBUTES", "attributes");
        Add("name missing", d => { A(d).Remove("name"); return null; }, 422, "INVALID_FIELD", "name");
        Add("name empty", d => { A(d)["name"] = ""; return null; }, 422, "INVALID_FIELD", "name");
        Add("name blank", d => { A(d)["name"] = "   "; return null; }, 422, "INVALID_FIELD", "name");
        Add("name not a string", d => { A(d)["name"] = 5; return null; }, 422, "INVALID_FIELD", "name");
        Add("name too long", d => { A(d)["name"] = new string('x', 256); return null; }, 422, "INVALID_FIELD", "name");
        Add("name with a control character", d => { A(d)["name"] = "a\u0000b"; return null; }, 422, "INVALID_FIELD", "name");
        Add("name with a bidirectional override", d => { A(d)["name"] = "token\u202Egnp.exe"; return null; }, 422, "INVALID_FIELD", "name");
        foreach (var flag in new[] { "can_access_cda", "can_access_cda_preview", "can_access_cma" })
        {
            Add(flag + " missing", d => { A(d).Remove(flag); return null; }, 422, "INVALID_FIELD", flag);
            Add(flag + " a string", d => { A(d)[flag] = "true"; return null; }, 422, "INVALID_FIELD", flag);
            Add(flag + " a number", d => { A(d)[flag] = 1; return null; }, 422, "INVALID_FIELD", flag);
            Add(flag + " null", d => { A(d)[flag] = null; return null; }, 422, "INVALID_FIELD", flag);
        }
        Add("read-only token", d => { A(d)["token"] = "abc"; return null; }, 422, "INVALID_ATTRIBUTES", "token");
        Add("read-only hardcoded_type", d => { A(d)["hardcoded_type"] = null; return null; }, 422, "INVALID_ATTRIBUTES", "hardcoded_type");
        Add("read-only last_cma_access", d => { A(d)["last_cma_access"] = "today"; return null; }, 422, "INVALID_ATTRIBUTES", "last_cma_access");
        Add("read-only last_cda_access", d => { A(d)["last_cda_access"] = "today"; return null; }, 422, "INVALID_ATTRIBUTES", "last_cda_access");
        Add("unknown attribute", d => { A(d)["can_manage_everything"] = true; return null; }, 422, "INVALID_ATTRIBUTES", "can_manage_everything");
        Add("relationships missing", d => { D(d).Remove("relationships"); return null; }, 422, "INVALID_RELATIONSHIP", "role");
        Add("role missing", d => { D(d)["relationships"] = new JsonObject(); return null; }, 422, "INVALID_RELATIONSHIP", "role");
        Add("role data null", d => { D(d)["relationships"]!["role"]!["data"] = null; return null; }, 422, "INVALID_RELATIONSHIP", "role");
        Add("role type wrong", d => { D(d)["relationships"]!["role"]!["data"]!["type"] = "user"; return null; }, 422, "INVALID_RELATIONSHIP", "role");
        Add("role id a number", d => { D(d)["relationships"]!["role"]!["data"]!["id"] = 34; return null; }, 422, "INVALID_RELATIONSHIP", "role");
        Add("role id not an id", d => { D(d)["relationships"]!["role"]!["data"]!["id"] = "../35"; return null; }, 422, "INVALID_RELATIONSHIP", "role");
        Add("unknown relationship", d => { D(d)["relationships"]!["creator"] = new JsonObject(); return null; }, 422, "INVALID_RELATIONSHIP", "creator");
        Add("meta not an object", d => { d["meta"] = "x"; return null; }, 422, "INVALID_META", "meta");
        Add("unknown meta member", d => { d["meta"] = new JsonObject { ["approved"] = true }; return null; }, 422, "INVALID_META", "meta.approved");
        Add("meta.dry_run a string", d => { d["meta"] = new JsonObject { ["dry_run"] = "yes" }; return null; }, 422, "INVALID_META", "meta.dry_run");
        Add("meta.requested_by a number", d => { d["meta"] = new JsonObject { ["requested_by"] = 7 }; return null; }, 422, "INVALID_META", "meta.requested_by");
        Add("meta.reason too long", d => { d["meta"] = new JsonObject { ["reason"] = new string('r', 2001) }; return null; }, 422, "INVALID_META", "meta.reason");
        Add("meta.expected incomplete", d => { d["meta"] = new JsonObject { ["expected"] = new JsonObject { ["name"] = "x" } }; return null; }, 422, "INVALID_META", "meta.expected");
        Add("meta.expires_at not a date", d => { d["meta"] = new JsonObject { ["expires_at"] = "tomorrow" }; return null; }, 422, "INVALID_META", "meta.expires_at");
        Add("meta.expires_at in the past", d => { d["meta"] = new JsonObject { ["expires_at"] = "2000-01-01T00:00:00Z" }; return null; }, 422, "INVALID_META", "meta.expires_at");
        Add("meta.expires_at more than 366 days ahead", d => { d["meta"] = new JsonObject { ["expires_at"] = DateTimeOffset.UtcNow.AddDays(367).ToString("yyyy-MM-ddTHH:mm:ssZ") }; return null; }, 422, "INVALID_META", "meta.expires_at");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public async Task Bad_document_is_refused_with_its_code_and_field_and_never_forwarded(string rule, string body, int status, string code, string? field)
    {
        var gateway = await storage.SharedGatewayAsync();
        var before = gateway.Simulator.State.Requests.Count;

        var response = await gateway.PutAsync(Id, body);

        var error = await ErrorOf(response);
        Assert.True(status == (int)response.StatusCode, $"{rule}: {(int)response.StatusCode} {error}");
        Assert.Equal(code, (string?)error["attributes"]!["code"]);
        Assert.Equal(field, (string?)error["attributes"]!["details"]!["field"]);
        Assert.Equal(before, gateway.Simulator.State.Requests.Count);
    }

    public static TheoryData<string, string, string, int, string> BadRequests() => new()
    {
        { "not JSON", "{\"data\":", "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "empty body", "", "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "JSON array", "[]", "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "duplicate member", Documents.Update(Id).ToJsonString().Replace("\"can_access_cma\":false", "\"can_access_cma\":false,\"can_access_cma\":true"), "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "trailing comma", Documents.Update(Id).ToJsonString()[..^1] + ",}", "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "comment", "/* hi */" + Documents.Update(Id).ToJsonString(), "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "nested too deep", Documents.Update(Id).WithMeta(new JsonObject { ["expected"] = Deep(10) }).ToJsonString(), "application/vnd.api+json", 400, "INVALID_JSON_BODY" },
        { "text/plain", Documents.Update(Id).ToJsonString(), "text/plain", 415, "INVALID_CONTENT_TYPE_HEADER" },
        { "form", Documents.Update(Id).ToJsonString(), "application/x-www-form-urlencoded", 415, "INVALID_CONTENT_TYPE_HEADER" },
        { "latin-1 charset", Documents.Update(Id).ToJsonString(), "application/json; charset=iso-8859-1", 415, "INVALID_CONTENT_TYPE_HEADER" },
        { "body over 64 KiB", Documents.Update(Id).WithMeta(new JsonObject { ["reason"] = new string('r', 70_000) }).ToJsonString(), "application/vnd.api+json", 413, "REQUEST_TOO_LARGE" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Malformed_request_is_refused_and_never_forwarded(string rule, string body, string contentType, int status, string code)
    {
        var gateway = await storage.SharedGatewayAsync();
        var before = gateway.Simulator.State.Requests.Count;

        var response = await gateway.PutAsync(Id, body, contentType);

        var error = await ErrorOf(response);
        Assert.True(status == (int)response.StatusCode, $"{rule}: {(int)response.StatusCode} {error}");
        Assert.Equal(code, (string?)error["attributes"]!["code"]);
        Assert.Equal(before, gateway.Simulator.State.Requests.Count);
    }

    [Fact]
    public async Task Invalid_UTF8_is_refused_as_invalid_JSON()
    {
        var gateway = await storage.SharedGatewayAsync();
        var valid = Encoding.UTF8.GetBytes(Documents.Update(Id, name: "XX").ToJsonString());
        var at = Array.IndexOf(valid, (byte)'X');
        valid[at] = 0xC3; valid[at + 1] = 0x28; // an invalid two-byte sequence

        var request = new HttpRequestMessage(HttpMethod.Put, "access_tokens/" + Id) { Content = new ByteArrayContent(valid) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/vnd.api+json");
        var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_JSON_BODY", (string?)(await ErrorOf(response))["attributes"]!["code"]);
    }

    [Theory]
    [InlineData("abc%2F..")]
    [InlineData("a b")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234x")]
    [InlineData("%E2%80%AE312")]
    public async Task Route_id_that_is_not_a_DatoCMS_id_is_refused(string id)
    {
        var gateway = await storage.SharedGatewayAsync();
        var before = gateway.Simulator.State.Requests.Count;

        var response = await gateway.PutAsync(id, Documents.Update(Uri.UnescapeDataString(id)).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("id", (string?)error["attributes"]!["details"]!["field"]);
        Assert.Equal(before, gateway.Simulator.State.Requests.Count);
    }

    [Fact]
    public async Task Meta_and_header_that_disagree_are_refused()
    {
        var gateway = await storage.SharedGatewayAsync();
        var body = Documents.Update(Id).WithMeta(new JsonObject { ["approved_by"] = "bob" }).ToJsonString();

        var response = await gateway.PutAsync(Id, body, customize: r => r.Headers.Add("X-Change-Approved-By", "mallory"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("meta.approved_by", (string?)(await ErrorOf(response))["attributes"]!["details"]!["field"]);
    }

    private static JsonObject Deep(int depth)
    {
        var node = new JsonObject();
        for (var i = 0; i < depth; i++) node = new JsonObject { ["x"] = node };
        return node;
    }

    private static async Task<JsonNode> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(text)!;
        Assert.Equal("api_error", (string?)document["data"]![0]!["type"]);
        Assert.NotNull(document["data"]![0]!["id"]);
        return document["data"]![0]!;
    }
}
