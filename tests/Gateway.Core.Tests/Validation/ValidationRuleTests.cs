using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>
/// One row per validation rule: the bad request gets its status (<see cref="ErrorStatus"/>), DatoCMS's code (or ours
/// in the same shape), the field and the rule, and the validator refuses it before anything else is done — the
/// pipeline never reaches policy, the CMA token or DatoCMS. Rows about what only HTTP knows (size, content type,
/// headers) go through <c>HttpAdmission</c>. Representative rows run over real HTTP in the integration tests
/// (<c>RefusalOverHttpTests</c>), where DatoCMS is seen to be asked nothing.
/// </summary>
public sealed class ValidationRuleTests
{
    private const string Id = Seed.EditableTokenId;
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, int, string, string, string> BadDocuments()
    {
        var data = new TheoryData<string, string, int, string, string, string>();
        void Add(string rule, Func<JsonObject, JsonNode?> spoil, int status, string code, string field, string ruleCode)
        {
            var document = Documents.Update(Id);
            var replaced = spoil(document);
            data.Add(rule, (replaced ?? document).ToJsonString(), status, code, field, ruleCode);
        }
        JsonObject D(JsonObject doc) => doc["data"]!.AsObject();
        JsonObject A(JsonObject doc) => D(doc)["attributes"]!.AsObject();

        Add("type missing", d => { D(d).Remove("type"); return null; }, 422, "INVALID_TYPE", "type", "VALIDATION_INVALID");
        Add("type not access_token", d => { D(d)["type"] = "access_tokens"; return null; }, 422, "INVALID_TYPE", "type", "VALIDATION_INVALID");
        Add("type not a string", d => { D(d)["type"] = 1; return null; }, 422, "INVALID_TYPE", "type", "VALIDATION_INVALID");
        Add("id missing", d => { D(d).Remove("id"); return null; }, 422, "INVALID_FIELD", "id", "VALIDATION_REQUIRED");
        Add("id not equal to the route", d => { D(d)["id"] = "313"; return null; }, 422, "INVALID_FIELD", "id", "VALIDATION_MISMATCH");
        Add("id a number", d => { D(d)["id"] = 312; return null; }, 422, "INVALID_FIELD", "id", "VALIDATION_REQUIRED");
        Add("data missing", _ => new JsonObject { ["meta"] = new JsonObject() }, 422, "INVALID_FIELD", "data", "VALIDATION_REQUIRED");
        Add("data an array", _ => new JsonObject { ["data"] = new JsonArray() }, 422, "INVALID_FIELD", "data", "VALIDATION_REQUIRED");
        Add("unknown top-level member", d => { d["included"] = new JsonArray(); return null; }, 422, "INVALID_FIELD", "included", "VALIDATION_UNKNOWN_MEMBER");
        Add("unknown data member", d => { D(d)["links"] = new JsonObject(); return null; }, 422, "INVALID_FIELD", "data.links", "VALIDATION_UNKNOWN_MEMBER");
        Add("attributes not an object", d => { D(d)["attributes"] = new JsonArray(); return null; }, 422, "INVALID_ATTRIBUTES", "attributes", "VALIDATION_INVALID");
        Add("name null", d => { A(d)["name"] = null; return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_INVALID");
        Add("name empty", d => { A(d)["name"] = ""; return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_REQUIRED");
        Add("name blank", d => { A(d)["name"] = "   "; return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_REQUIRED");
        Add("name not a string", d => { A(d)["name"] = 5; return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_INVALID");
        Add("name too long", d => { A(d)["name"] = new string('x', 256); return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_LENGTH");
        Add("name with a control character", d => { A(d)["name"] = "a\u0000b"; return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_FORMAT");
        Add("name with a bidirectional override", d => { A(d)["name"] = "token\u202Egnp.exe"; return null; }, 422, "INVALID_FIELD", "name", "VALIDATION_FORMAT");
        foreach (var flag in new[] { "can_access_cda", "can_access_cda_preview", "can_access_cma" })
        {
            Add(flag + " a string", d => { A(d)[flag] = "true"; return null; }, 422, "INVALID_FIELD", flag, "VALIDATION_INVALID");
            Add(flag + " a number", d => { A(d)[flag] = 1; return null; }, 422, "INVALID_FIELD", flag, "VALIDATION_INVALID");
            Add(flag + " null", d => { A(d)[flag] = null; return null; }, 422, "INVALID_FIELD", flag, "VALIDATION_INVALID");
        }
        Add("read-only token", d => { A(d)["token"] = "abc"; return null; }, 422, "INVALID_ATTRIBUTES", "token", "VALIDATION_READ_ONLY");
        Add("read-only hardcoded_type", d => { A(d)["hardcoded_type"] = null; return null; }, 422, "INVALID_ATTRIBUTES", "hardcoded_type", "VALIDATION_READ_ONLY");
        Add("read-only last_cma_access", d => { A(d)["last_cma_access"] = "today"; return null; }, 422, "INVALID_ATTRIBUTES", "last_cma_access", "VALIDATION_READ_ONLY");
        Add("read-only last_cda_access", d => { A(d)["last_cda_access"] = "today"; return null; }, 422, "INVALID_ATTRIBUTES", "last_cda_access", "VALIDATION_READ_ONLY");
        Add("unknown attribute", d => { A(d)["can_manage_everything"] = true; return null; }, 422, "INVALID_ATTRIBUTES", "can_manage_everything", "VALIDATION_UNKNOWN_MEMBER");
        Add("unknown data.meta member", d => { D(d)["meta"] = new JsonObject { ["approved"] = true }; return null; }, 422, "INVALID_META", "meta.approved", "VALIDATION_UNKNOWN_MEMBER");
        Add("data.meta and meta disagree", d => { D(d)["meta"] = new JsonObject { ["requested_by"] = "alice@example.com" }; d["meta"] = new JsonObject { ["requested_by"] = "mallory@example.com" }; return null; }, 422, "INVALID_META", "data.meta", "VALIDATION_CONFLICT");
        Add("data.meta and meta differ by a member", d => { D(d)["meta"] = new JsonObject { ["reason"] = "x" }; d["meta"] = new JsonObject { ["reason"] = "x", ["dry_run"] = true }; return null; }, 422, "INVALID_META", "data.meta", "VALIDATION_CONFLICT");
        Add("data.meta not an object", d => { D(d)["meta"] = "x"; return null; }, 422, "INVALID_META", "meta", "VALIDATION_INVALID");
        Add("role missing", d => { D(d)["relationships"] = new JsonObject(); return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_REQUIRED");
        Add("role data null", d => { D(d)["relationships"]!["role"]!["data"] = null; return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("role type wrong", d => { D(d)["relationships"]!["role"]!["data"]!["type"] = "user"; return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("role id a number", d => { D(d)["relationships"]!["role"]!["data"]!["id"] = 34; return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("role id not an id", d => { D(d)["relationships"]!["role"]!["data"]!["id"] = "../35"; return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("unknown relationship", d => { D(d)["relationships"]!["creator"] = new JsonObject(); return null; }, 422, "INVALID_RELATIONSHIP", "creator", "VALIDATION_UNKNOWN_MEMBER");
        Add("relationships not an object", d => { D(d)["relationships"] = new JsonArray(); return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("role not an object", d => { D(d)["relationships"]!["role"] = "34"; return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("unknown role member", d => { D(d)["relationships"]!["role"]!["links"] = new JsonObject(); return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("unknown role data member", d => { D(d)["relationships"]!["role"]!["data"]!["meta"] = new JsonObject(); return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("role type missing", d => { D(d)["relationships"]!["role"]!["data"]!.AsObject().Remove("type"); return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("role id missing", d => { D(d)["relationships"]!["role"]!["data"]!.AsObject().Remove("id"); return null; }, 422, "INVALID_RELATIONSHIP", "role", "VALIDATION_INVALID");
        Add("meta not an object", d => { d["meta"] = "x"; return null; }, 422, "INVALID_META", "meta", "VALIDATION_INVALID");
        Add("unknown meta member", d => { d["meta"] = new JsonObject { ["approved"] = true }; return null; }, 422, "INVALID_META", "meta.approved", "VALIDATION_UNKNOWN_MEMBER");
        Add("meta.dry_run a string", d => { d["meta"] = new JsonObject { ["dry_run"] = "yes" }; return null; }, 422, "INVALID_META", "meta.dry_run", "VALIDATION_INVALID");
        Add("meta.requested_by a number", d => { d["meta"] = new JsonObject { ["requested_by"] = 7 }; return null; }, 422, "INVALID_META", "meta.requested_by", "VALIDATION_INVALID");
        Add("meta.reason too long", d => { d["meta"] = new JsonObject { ["reason"] = new string('r', 2001) }; return null; }, 422, "INVALID_META", "meta.reason", "VALIDATION_LENGTH");
        Add("meta.expected incomplete", d => { d["meta"] = new JsonObject { ["expected"] = new JsonObject { ["name"] = "x" } }; return null; }, 422, "INVALID_META", "meta.expected", "VALIDATION_INVALID");
        Add("meta.expires_at not a date", d => { d["meta"] = new JsonObject { ["expires_at"] = "tomorrow" }; return null; }, 422, "INVALID_META", "meta.expires_at", "VALIDATION_INVALID");
        Add("meta.expires_at in the past", d => { d["meta"] = new JsonObject { ["expires_at"] = "2000-01-01T00:00:00Z" }; return null; }, 422, "INVALID_META", "meta.expires_at", "VALIDATION_INVALID");
        Add("meta.expires_at more than 366 days ahead", d => { d["meta"] = new JsonObject { ["expires_at"] = Now.AddDays(367).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) }; return null; }, 422, "INVALID_META", "meta.expires_at", "VALIDATION_INVALID");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Bad_document_is_refused_by_the_validator_with_its_status_code_field_and_rule(string rule, string body, int status, string code, string field, string ruleCode)
    {
        var refused = Refusals.Of(ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(body), Id, ChangeHeaders.None, Now));

        var error = Refusals.ErrorOf(refused);
        Assert.True(status == ErrorStatus.Of(refused), $"{rule}: {ErrorStatus.Of(refused)} {error}");
        Assert.Equal(code, (string?)error["attributes"]!["code"]);
        Assert.Equal(field, (string?)error["attributes"]!["details"]!["field"]);
        Assert.Equal(ruleCode, (string?)error["attributes"]!["details"]!["code"]);
    }

    [Fact]
    public void The_unspoiled_document_of_the_table_is_accepted()
    {
        // Guards the table against passing vacuously: each row's refusal is its one spoiled member's.
        var validated = ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(Documents.Update(Id).ToJsonString()), Id, ChangeHeaders.None, Now);

        Assert.Null(validated.Stop);
        Assert.Equal(new ChangeDocument(Id, new TokenState("Read-only API token", true, false, false, "34"), new ChangeMetadata()), validated.Value);
    }

    public static TheoryData<string, Func<JsonObject, JsonObject>, TokenPatch> PartialDocuments()
    {
        static JsonObject D(JsonObject doc) => doc["data"]!.AsObject();
        static JsonObject A(JsonObject doc) => D(doc)["attributes"]!.AsObject();
        return new()
        {
            { "relationships left out: the role is kept", d => { D(d).Remove("relationships"); return d; }, new("Read-only API token", true, false, false, null) },
            { "one flag only, as a revoking event sends it", d => { D(d)["attributes"] = new JsonObject { ["can_access_cma"] = false }; D(d).Remove("relationships"); return d; }, new(null, null, null, false, null) },
            { "name left out", d => { A(d).Remove("name"); return d; }, new(null, true, false, false, "34") },
            { "attributes left out: the role alone", d => { D(d).Remove("attributes"); return d; }, new(null, null, null, null, "34") },
        };
    }

    [Theory]
    [MemberData(nameof(PartialDocuments))]
    public void Partial_document_is_accepted_as_the_fields_it_names_and_nothing_else(string example, Func<JsonObject, JsonObject> change, TokenPatch expected)
    {
        var validated = ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(change(Documents.Update(Id)).ToJsonString()), Id, ChangeHeaders.None, Now);

        Assert.True(validated.Stop is null, $"{example}: {(validated.Stop as Refused)?.Details.ToJsonString()}");
        Assert.Equal(expected, validated.Value!.Patch);
        Assert.Null(validated.Value.Requested);   // known only once merged with the state read first
    }

    [Fact]
    public void A_merged_partial_keeps_every_field_it_left_out()
    {
        var current = new TokenState("Deploy token", true, true, false, "35");
        var change = new ChangeDocument(Id, new TokenPatch(null, null, null, true, null), new ChangeMetadata());

        Assert.Equal(current with { CanAccessCma = true }, change.MergedWith(current).Full);
        Assert.Throws<InvalidOperationException>(() => change.Full);
    }

    [Fact]
    public void Metadata_in_data_meta_is_read_as_the_change_metadata_like_top_level_meta()
    {
        var document = Documents.Update(Id);
        document["data"]!["meta"] = new JsonObject { ["requested_by"] = "alice@example.com", ["reason"] = "Launch", ["dry_run"] = true };
        var inData = ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(document.ToJsonString()), Id, ChangeHeaders.None, Now);
        document["meta"] = document["data"]!["meta"]!.DeepClone();
        var inBoth = ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(document.ToJsonString()), Id, ChangeHeaders.None, Now);

        Assert.Equal(new ChangeMetadata(RequestedBy: "alice@example.com", Reason: "Launch", DryRun: true), inData.Value!.Meta);
        Assert.Equal(inData.Value, inBoth.Value);
    }

    public static TheoryData<string, string> NotOneJsonObject() => new()
    {
        { "not JSON", "{\"data\":" },
        { "empty body", "" },
        { "JSON array", "[]" },
        { "duplicate member", Documents.Update(Id).ToJsonString().Replace("\"can_access_cma\":false", "\"can_access_cma\":false,\"can_access_cma\":true") },
        { "trailing comma", Documents.Update(Id).ToJsonString()[..^1] + ",}" },
        { "comment", "/* hi */" + Documents.Update(Id).ToJsonString() },
        { "nested too deep", Documents.Update(Id).WithMeta(new JsonObject { ["expected"] = Deep(10) }).ToJsonString() },
    };

    [Theory]
    [MemberData(nameof(NotOneJsonObject))]
    public void Body_that_is_not_one_well_formed_JSON_object_is_refused_as_invalid_JSON(string rule, string body)
    {
        var refused = Refusals.Of(ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(body), Id, ChangeHeaders.None, Now));

        Assert.True(ErrorStatus.Of(refused) == 400, $"{rule}: {ErrorStatus.Of(refused)} {refused.Details.ToJsonString()}");
        Assert.Equal("INVALID_JSON_BODY", (string?)Refusals.ErrorOf(refused)["attributes"]!["code"]);
    }

    [Fact]
    public void Refusal_of_JSON_nested_too_deep_names_the_limit()
    {
        var body = Documents.Update(Id).WithMeta(new JsonObject { ["expected"] = Deep(10) }).ToJsonString();

        var refused = Refusals.Of(ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(body), Id, ChangeHeaders.None, Now));

        Assert.Contains("deeper than 8", (string?)refused.Details["message"]);
    }

    public static TheoryData<string, string, Func<JsonObject, JsonObject>> DocumentsAtTheEdges()
    {
        var longest = new string('7', 18);
        return new()
        {
            { "a name of 255 characters", Id, d => { d["data"]!["attributes"]!["name"] = new string('x', 255); return d; } },
            { "a name of letters in any script", Id, d => { d["data"]!["attributes"]!["name"] = "Ünïcødé 名前 😀 e\u0301"; return d; } },
            // Ids are DatoCMS's integers in their one spelling (no sign, no leading zero); the longest taken is 18 digits.
            { "a route id of 18 digits", longest, d => { d["data"]!["id"] = longest; return d; } },
            { "a role id of 18 digits", Id, d => { d["data"]!["relationships"]!["role"]!["data"]!["id"] = longest; return d; } },
            { "every flag on", Id, d => { foreach (var f in new[] { "can_access_cda", "can_access_cda_preview", "can_access_cma" }) d["data"]!["attributes"]![f] = true; return d; } },
            { "every flag off", Id, d => { foreach (var f in new[] { "can_access_cda", "can_access_cda_preview", "can_access_cma" }) d["data"]!["attributes"]![f] = false; return d; } },
            { "members in another order", Id, _ => JsonNode.Parse("""{"meta":{},"data":{"relationships":{"role":{"data":{"id":"34","type":"role"}}},"attributes":{"can_access_cma":false,"can_access_cda_preview":false,"can_access_cda":true,"name":"Read-only API token"},"id":"312","type":"access_token"}}""")!.AsObject() },
        };
    }

    [Theory]
    [MemberData(nameof(DocumentsAtTheEdges))]
    public void Document_at_the_edge_of_the_rules_is_accepted_as_it_is(string example, string routeId, Func<JsonObject, JsonObject> change)
    {
        var document = change(Documents.Update(routeId));
        var attributes = document["data"]!["attributes"]!;

        var validated = ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(document.ToJsonString()), routeId, ChangeHeaders.None, Now);

        Assert.True(validated.Stop is null, $"{example}: {(validated.Stop as Refused)?.Details.ToJsonString()}");
        var expected = new TokenState((string)attributes["name"]!, (bool)attributes["can_access_cda"]!, (bool)attributes["can_access_cda_preview"]!,
            (bool)attributes["can_access_cma"]!, (string?)document["data"]!["relationships"]!["role"]!["data"]!["id"]);
        Assert.Equal(new ChangeDocument(routeId, expected, new ChangeMetadata()), validated.Value);
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    [InlineData(1000, true)]
    public void Unknown_member_is_named_in_at_most_64_characters(int length, bool shortened)
    {
        var name = new string('m', length);
        var document = Documents.Update(Id);
        document["data"]!["attributes"]![name] = true;

        var refused = Refusals.Of(ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(document.ToJsonString()), Id, ChangeHeaders.None, Now));

        Assert.Equal(shortened ? new string('m', 64) + "…" : name, refused.FieldName);
    }

    [Theory]
    [InlineData("evil\\u0000member")]
    [InlineData("\\u202Ename")]
    [InlineData("line\\u2028break")]
    public void Unknown_member_with_unprintable_characters_is_not_echoed(string escapedName)
    {
        var body = Documents.Update(Id).ToJsonString().Replace("{\"data\":{", $"{{\"data\":{{\"{escapedName}\":1,");

        var refused = Refusals.Of(ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(body), Id, ChangeHeaders.None, Now));

        Assert.Equal("data.(unprintable)", refused.FieldName);
        Assert.Equal("VALIDATION_UNKNOWN_MEMBER", (string?)refused.Details["code"]);
    }

    public static TheoryData<string, string, string, int, string> RefusedAtAdmission() => new()
    {
        { "text/plain", Documents.Update(Id).ToJsonString(), "text/plain", 415, "INVALID_CONTENT_TYPE_HEADER" },
        { "form", Documents.Update(Id).ToJsonString(), "application/x-www-form-urlencoded", 415, "INVALID_CONTENT_TYPE_HEADER" },
        { "latin-1 charset", Documents.Update(Id).ToJsonString(), "application/json; charset=iso-8859-1", 415, "INVALID_CONTENT_TYPE_HEADER" },
        { "body over 64 KiB", Documents.Update(Id).WithMeta(new JsonObject { ["reason"] = new string('r', 70_000) }).ToJsonString(), "application/vnd.api+json", 413, "REQUEST_TOO_LARGE" },
    };

    [Theory]
    [MemberData(nameof(RefusedAtAdmission))]
    public async Task Request_of_the_wrong_size_or_content_type_is_refused_at_admission_before_validation(string rule, string body, string contentType, int status, string code)
    {
        var admitted = await HttpRequests.AdmitAsync(Id, body, contentType);

        var refused = Refusals.NotAdmitted(admitted);
        Assert.True(status == ErrorStatus.Of(refused), $"{rule}: {ErrorStatus.Of(refused)} {refused.Details.ToJsonString()}");
        Assert.Equal(code, (string?)Refusals.ErrorOf(refused)["attributes"]!["code"]);
    }

    [Theory]
    [InlineData("application/vnd.api+json; ext=x")]
    [InlineData("application/json; charset=utf-8; q=1")]
    [InlineData("application/vnd.api+jsonx")]
    [InlineData("json")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Body_not_labelled_as_JSON_in_UTF8_is_refused_at_admission(string? contentType)
    {
        var refused = Refusals.NotAdmitted(await HttpRequests.AdmitAsync(Id, Documents.Update(Id).ToJsonString(), contentType));

        Assert.Equal(415, ErrorStatus.Of(refused));
        Assert.Equal("INVALID_CONTENT_TYPE_HEADER", (string?)Refusals.ErrorOf(refused)["attributes"]!["code"]);
    }

    [Theory]
    [InlineData("application/vnd.api+json")]
    [InlineData("application/json")]
    [InlineData("application/vnd.api+json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("Application/VND.API+JSON")]
    public async Task Body_labelled_as_JSON_API_or_JSON_in_UTF8_is_admitted(string contentType)
    {
        var admitted = await HttpRequests.AdmitAsync(Id, Documents.Update(Id).ToJsonString(), contentType);

        Assert.Null(admitted.NotAdmitted);
        Assert.Null(ChangeDocumentValidator.Validate(admitted.Document, admitted.TokenId, admitted.Headers, Now).Stop);
    }

    [Fact]
    public async Task Body_over_64_KiB_without_a_Content_Length_is_refused_too()
    {
        var body = Encoding.UTF8.GetBytes(Documents.Update(Id).WithMeta(new JsonObject { ["reason"] = new string('r', 70_000) }).ToJsonString());

        var refused = Refusals.NotAdmitted(await HttpRequests.AdmitAsync(Id, body, sendLength: false));

        Assert.Equal(413, ErrorStatus.Of(refused));
    }

    [Fact]
    public async Task Body_of_exactly_64_KiB_is_read_whole()
    {
        var text = Documents.Update(Id).ToJsonString();
        var body = Encoding.UTF8.GetBytes(text.PadRight(ValidationLimits.MaxBodyBytes));

        var admitted = await HttpRequests.AdmitAsync(Id, body);

        Assert.Null(admitted.NotAdmitted);
        Assert.Equal(64 * 1024, admitted.Document.Length);
        Assert.Null(ChangeDocumentValidator.Validate(admitted.Document, admitted.TokenId, admitted.Headers, Now).Stop);
    }

    [Fact]
    public void Invalid_UTF8_is_refused_as_invalid_JSON()
    {
        var valid = Encoding.UTF8.GetBytes(Documents.Update(Id, name: "XX").ToJsonString());
        var at = Array.IndexOf(valid, (byte)'X');
        valid[at] = 0xC3; valid[at + 1] = 0x28; // an invalid two-byte sequence

        var refused = Refusals.Of(ChangeDocumentValidator.Validate(valid, Id, ChangeHeaders.None, Now));

        Assert.Equal(400, ErrorStatus.Of(refused));
        Assert.Equal("INVALID_JSON_BODY", (string?)Refusals.ErrorOf(refused)["attributes"]!["code"]);
    }

    [Theory]
    [InlineData("abc%2F..")]
    [InlineData("a b")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234x")]
    [InlineData("%E2%80%AE312")]
    public void Route_id_that_is_not_a_DatoCMS_id_is_refused(string escaped)
    {
        var id = Uri.UnescapeDataString(escaped);

        var refused = Refusals.Of(ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(Documents.Update(id).ToJsonString()), id, ChangeHeaders.None, Now));

        Assert.Equal(422, ErrorStatus.Of(refused));
        var details = Refusals.ErrorOf(refused)["attributes"]!["details"]!;
        Assert.Equal("id", (string?)details["field"]);
        Assert.Equal("VALIDATION_FORMAT", (string?)details["code"]);
    }

    [Fact]
    public async Task Meta_and_header_that_disagree_are_refused()
    {
        var body = Documents.Update(Id).WithMeta(new JsonObject { ["approved_by"] = "bob" }).ToJsonString();
        var admitted = await HttpRequests.AdmitAsync(Id, body, headers: new Dictionary<string, string> { ["X-Change-Approved-By"] = "mallory" });
        Assert.Null(admitted.NotAdmitted);

        var refused = Refusals.Of(ChangeDocumentValidator.Validate(admitted.Document, admitted.TokenId, admitted.Headers, Now));

        Assert.Equal(422, ErrorStatus.Of(refused));
        Assert.Equal("meta.approved_by", (string?)Refusals.ErrorOf(refused)["attributes"]!["details"]!["field"]);
    }

    private static JsonObject Deep(int depth)
    {
        var node = new JsonObject();
        for (var i = 0; i < depth; i++) node = new JsonObject { ["x"] = node };
        return node;
    }
}
