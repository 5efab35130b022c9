using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;

namespace AccessTokenGateway.Tests.Validation;

/// <summary>
/// The rules of change metadata, through the validator: each value from <c>meta</c> or its <c>X-Change-*</c> header
/// (and <c>dry_run</c> from <c>?dry_run</c> too), the two agreeing when both are given; bounds on text; <c>expected</c>
/// read strictly; <c>expires_at</c> an RFC 3339 instant in the next 366 days (policy bounds a grant further). The clock is fixed.
/// </summary>
public sealed class MetadataRuleTests
{
    private const string Id = "312";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TokenState Seen = new("Read-only API token", true, false, false, "34");
    private const string SeenJson = """{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""";

    private static Step<ChangeDocument> Validate(JsonObject? meta = null, Dictionary<string, string>? headers = null, string? query = null)
    {
        var document = Documents.Update(Id);
        if (meta is not null) document.WithMeta(meta);
        return ChangeDocumentValidator.Validate(Encoding.UTF8.GetBytes(document.ToJsonString()), Id, new ChangeHeaders(headers ?? [], query), Now);
    }

    private static ChangeMetadata Accepted(Step<ChangeDocument> validated)
    {
        Assert.True(validated.Stop is null, (validated.Stop as Refused)?.Details.ToJsonString());
        return validated.Value!.Meta;
    }

    private static void AssertRefused(Step<ChangeDocument> validated, string field, string rule, string? example = null)
    {
        var refused = Refusals.Of(validated);
        Assert.True(
            ErrorStatus.Of(refused) == 422 && refused.Code == ErrorCodes.InvalidMeta && refused.FieldName == field
            && (string?)refused.Details["code"] == rule && !string.IsNullOrEmpty((string?)refused.Details["message"]),
            $"{example}: expected 422 {ErrorCodes.InvalidMeta} {field} {rule}, got {ErrorStatus.Of(refused)} {refused.Code} {refused.Details.ToJsonString()}");
    }

    private static string Instant(DateTimeOffset at, string format = "yyyy-MM-ddTHH:mm:ssZ") => at.ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public void No_meta_and_empty_meta_are_the_default_metadata()
    {
        Assert.Equal(new ChangeMetadata(), Accepted(Validate()));
        Assert.Equal(new ChangeMetadata(), Accepted(Validate(new JsonObject())));
    }

    // Text: requested_by, approved_by, reason, ticket

    public static TheoryData<string> TextMembers() => ["requested_by", "approved_by", "reason", "ticket"];

    private static string HeaderOf(string member) => member switch
    {
        "requested_by" => ChangeHeaders.RequestedBy,
        "approved_by" => ChangeHeaders.ApprovedBy,
        "reason" => ChangeHeaders.Reason,
        _ => ChangeHeaders.Ticket,
    };

    /// <summary>Each limit written out rather than read from ValidationLimits, so a changed limit fails a test.</summary>
    private static int LimitOf(string member) => member switch
    {
        "requested_by" or "approved_by" => 256,
        "reason" => 2000,
        _ => 128,
    };

    /// <summary>People's names are kept in their one compared form (NFKC, case-folded; see PersonNamesTests); free text as given.</summary>
    private static string AsKept(string member, string value) => member is "requested_by" or "approved_by" ? value.ToLowerInvariant() : value;

    private static string? Text(ChangeMetadata meta, string member) => member switch
    {
        "requested_by" => meta.RequestedBy,
        "approved_by" => meta.ApprovedBy,
        "reason" => meta.Reason,
        _ => meta.Ticket,
    };

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_may_come_from_meta(string member)
    {
        Assert.Equal(AsKept(member, "CHG-7 by alice"), Text(Accepted(Validate(new JsonObject { [member] = "CHG-7 by alice" })), member));
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_may_come_from_its_header_named_in_any_case(string member)
    {
        var header = HeaderOf(member);
        Assert.Equal(AsKept(member, "CHG-7 by alice"), Text(Accepted(Validate(headers: new() { [header] = "CHG-7 by alice" })), member));
        Assert.Equal(AsKept(member, "CHG-7 by alice"), Text(Accepted(Validate(headers: new() { [header.ToLowerInvariant()] = "CHG-7 by alice" })), member));
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_in_meta_and_its_header_must_agree(string member)
    {
        var header = HeaderOf(member);
        Assert.Equal("bob", Text(Accepted(Validate(new JsonObject { [member] = "bob" }, new() { [header] = "bob" })), member));
        AssertRefused(Validate(new JsonObject { [member] = "bob" }, new() { [header] = "mallory" }), "meta." + member, "VALIDATION_CONFLICT");
        AssertRefused(Validate(new JsonObject { [member] = "bob" }, new() { [header] = "Bob" }), "meta." + member, "VALIDATION_CONFLICT");
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_null_in_meta_is_as_if_absent(string member)
    {
        var header = HeaderOf(member);
        Assert.Null(Text(Accepted(Validate(new JsonObject { [member] = null })), member));
        Assert.Equal("bob", Text(Accepted(Validate(new JsonObject { [member] = null }, new() { [header] = "bob" })), member));
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_is_trimmed_and_blank_text_is_none(string member)
    {
        var header = HeaderOf(member);
        Assert.Equal("bob", Text(Accepted(Validate(new JsonObject { [member] = "  bob  " })), member));
        Assert.Equal("bob", Text(Accepted(Validate(headers: new() { [header] = " bob " })), member));
        Assert.Null(Text(Accepted(Validate(new JsonObject { [member] = "   " })), member));
        Assert.Null(Text(Accepted(Validate(new JsonObject { [member] = "" })), member));
        Assert.Null(Text(Accepted(Validate(headers: new() { [header] = " " })), member));
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_is_at_most_its_limit_in_meta_and_in_its_header(string member)
    {
        var (header, maxLength) = (HeaderOf(member), LimitOf(member));
        Assert.Equal(maxLength, Text(Accepted(Validate(new JsonObject { [member] = new string('x', maxLength) })), member)!.Length);
        Assert.Equal(maxLength, Text(Accepted(Validate(headers: new() { [header] = new string('x', maxLength) })), member)!.Length);
        AssertRefused(Validate(new JsonObject { [member] = new string('x', maxLength + 1) }), "meta." + member, "VALIDATION_LENGTH");
        AssertRefused(Validate(headers: new() { [header] = new string('x', maxLength + 1) }), "meta." + member, "VALIDATION_LENGTH");
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_with_a_control_character_or_bidirectional_override_is_refused(string member)
    {
        var header = HeaderOf(member);
        foreach (var bad in new[] { "a\u0000b", "a\nb", "line\u2028sep", "para\u2029sep", "\u202Aembedded", "\u202Eevil", "\u2066isolate", "\u2069pop", "\u007F" })
        {
            AssertRefused(Validate(new JsonObject { [member] = bad }), "meta." + member, "VALIDATION_FORMAT");
            AssertRefused(Validate(headers: new() { [header] = bad }), "meta." + member, "VALIDATION_FORMAT");
        }
        // Free text takes any other character; people's names are held to a stricter table (PersonNamesTests).
        if (member is "requested_by" or "approved_by") return;
        foreach (var fine in new[] { "é e\u0301 名前 😀", "a\u2027b", "a\u202Fb", "a\u2065b", "a\u206Ab" })
            Assert.Equal(fine, Text(Accepted(Validate(new JsonObject { [member] = fine })), member));
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Text_that_is_not_a_string_is_refused(string member)
    {
        AssertRefused(Validate(new JsonObject { [member] = 7 }), "meta." + member, "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { [member] = true }), "meta." + member, "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { [member] = new JsonArray("bob") }), "meta." + member, "VALIDATION_INVALID");
    }

    [Fact]
    public void The_first_member_at_fault_is_the_one_named()
    {
        AssertRefused(Validate(new JsonObject { ["requested_by"] = 7, ["approved_by"] = 8 }), "meta.requested_by", "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { ["reason"] = "a\u0000b", ["ticket"] = new string('x', 129) }), "meta.reason", "VALIDATION_FORMAT");
        AssertRefused(Validate(new JsonObject { ["approved_by"] = "bob", ["ticket"] = 1 }, new() { [ChangeHeaders.ApprovedBy] = "eve" }), "meta.approved_by", "VALIDATION_CONFLICT");
        AssertRefused(Validate(new JsonObject { ["requested_by"] = 7, ["approved_by"] = "bob" }, new() { [ChangeHeaders.ApprovedBy] = "eve" }), "meta.requested_by", "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { ["requested_by"] = 7, ["approved_by"] = "a\u0000b" }), "meta.requested_by", "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { ["ticket"] = 1, ["dry_run"] = "yes", ["expected"] = 1, ["expires_at"] = 1 }), "meta.ticket", "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { ["dry_run"] = "yes", ["expected"] = 1, ["expires_at"] = 1 }), "meta.dry_run", "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { ["expected"] = 1, ["expires_at"] = 1 }), "meta.expected", "VALIDATION_INVALID");
    }

    [Theory]
    [MemberData(nameof(TextMembers))]
    public void Conflict_names_the_member_and_its_header(string member)
    {
        var refused = Refusals.Of(Validate(new JsonObject { [member] = "bob" }, new() { [HeaderOf(member)] = "mallory" }));

        var message = (string?)refused.Details["message"];
        Assert.Contains("meta." + member, message);
        Assert.Contains("X-Change-", message);
    }

    // dry_run: meta, X-Change-Dry-Run, ?dry_run

    public static TheoryData<string?, string?, string?, string> DryRuns() => new()
    {
        // meta (JSON), header, query → true, false, or the refusal's rule
        { null, null, null, "false" },
        { "true", null, null, "true" },
        { "false", null, null, "false" },
        { "null", null, null, "false" },
        { null, "true", null, "true" },
        { null, "false", null, "false" },
        { null, null, "true", "true" },
        { null, null, "false", "false" },
        { "true", "true", "true", "true" },
        { "false", "false", "false", "false" },
        { "null", "true", null, "true" },
        { "true", null, "true", "true" },
        { null, "true", "false", "VALIDATION_CONFLICT" },
        { null, "false", "true", "VALIDATION_CONFLICT" },
        { "true", "false", null, "VALIDATION_CONFLICT" },
        { "false", null, "true", "VALIDATION_CONFLICT" },
        { "true", "true", "false", "VALIDATION_CONFLICT" },
        { "\"true\"", null, null, "VALIDATION_INVALID" },
        { "1", null, null, "VALIDATION_INVALID" },
        { null, "yes", null, "VALIDATION_INVALID" },
        { null, "True", null, "VALIDATION_INVALID" },
        { null, "1", null, "VALIDATION_INVALID" },
        { null, "", null, "VALIDATION_INVALID" },
        { null, null, "1", "VALIDATION_INVALID" },
        { null, null, "TRUE", "VALIDATION_INVALID" },
        { null, null, "", "VALIDATION_INVALID" },
        { "true", "yes", null, "VALIDATION_INVALID" },
        { null, "true", "yes", "VALIDATION_INVALID" },
    };

    [Theory]
    [MemberData(nameof(DryRuns))]
    public void Dry_run_comes_from_meta_its_header_or_the_query_and_all_given_must_agree(string? meta, string? header, string? query, string result)
    {
        var validated = Validate(
            meta is null ? null : new JsonObject { ["dry_run"] = JsonNode.Parse(meta) },
            header is null ? null : new() { [ChangeHeaders.DryRun] = header },
            query);

        if (result.StartsWith("VALIDATION_", StringComparison.Ordinal)) AssertRefused(validated, "meta.dry_run", result, $"meta {meta}, header {header}, query {query}");
        else Assert.Equal(bool.Parse(result), Accepted(validated).DryRun);
    }

    [Fact]
    public void Dry_run_refusal_says_where_the_bad_value_came_from_first_the_header_then_the_query()
    {
        string? Message(JsonObject? meta = null, Dictionary<string, string>? headers = null, string? query = null) =>
            (string?)Refusals.Of(Validate(meta, headers, query)).Details["message"];

        Assert.Equal("must be a JSON boolean.", Message(new JsonObject { ["dry_run"] = "yes" }));
        Assert.Equal("X-Change-Dry-Run must be true or false.", Message(headers: new() { [ChangeHeaders.DryRun] = "yes" }));
        Assert.Equal("The dry_run query value must be true or false.", Message(query: "1"));
        Assert.Equal("X-Change-Dry-Run must be true or false.", Message(headers: new() { [ChangeHeaders.DryRun] = "yes" }, query: "1"));
    }

    // expected: the state the approver saw

    [Fact]
    public void Expected_is_read_from_meta_or_its_header()
    {
        Assert.Equal(Seen, Accepted(Validate(new JsonObject { ["expected"] = JsonNode.Parse(SeenJson) })).Expected);
        Assert.Equal(Seen, Accepted(Validate(headers: new() { [ChangeHeaders.Expected] = SeenJson })).Expected);
        Assert.Equal(Seen with { RoleId = null }, Accepted(Validate(headers: new() { [ChangeHeaders.Expected] = SeenJson.Replace("\"34\"", "null") })).Expected);
        Assert.Null(Accepted(Validate(new JsonObject { ["expected"] = null })).Expected);
    }

    [Fact]
    public void Expected_in_meta_and_its_header_must_agree()
    {
        JsonObject InMeta() => new() { ["expected"] = JsonNode.Parse(SeenJson) };

        Assert.Equal(Seen, Accepted(Validate(InMeta(), new() { [ChangeHeaders.Expected] = SeenJson })).Expected);
        AssertRefused(Validate(InMeta(), new() { [ChangeHeaders.Expected] = SeenJson.Replace("\"34\"", "\"35\"") }), "meta.expected", "VALIDATION_CONFLICT");
    }

    public static TheoryData<string, string> BadExpected() => new()
    {
        { "a member missing", """{"name":"x","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false}""" },
        { "an unknown member", """{"name":"x","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34","token":"t"}""" },
        { "role_id not an id", """{"name":"x","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"../35"}""" },
        { "role_id empty", """{"name":"x","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":""}""" },
        { "role_id a number", """{"name":"x","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":34}""" },
        { "name too long", $$"""{"name":"{{new string('x', 256)}}","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""" },
        { "name a number", """{"name":1,"can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""" },
        { "a flag a string", """{"name":"x","can_access_cda":"true","can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""" },
        { "an array", "[]" },
        { "a string", "\"x\"" },
    };

    [Theory]
    [MemberData(nameof(BadExpected))]
    public void Expected_that_is_not_exactly_a_token_state_is_refused_in_meta_and_in_its_header(string problem, string json)
    {
        AssertRefused(Validate(new JsonObject { ["expected"] = JsonNode.Parse(json) }), "meta.expected", "VALIDATION_INVALID", problem);
        AssertRefused(Validate(headers: new() { [ChangeHeaders.Expected] = json }), "meta.expected", "VALIDATION_INVALID", problem);
    }

    [Fact]
    public void Expected_name_may_be_as_long_as_a_name()
    {
        var json = SeenJson.Replace("Read-only API token", new string('x', ValidationLimits.MaxNameLength));

        Assert.Equal(ValidationLimits.MaxNameLength, Accepted(Validate(headers: new() { [ChangeHeaders.Expected] = json })).Expected!.Name.Length);
    }

    [Theory]
    [InlineData("not JSON")]
    [InlineData("{\"name\":")]
    [InlineData("""{"name":"x","name":"y","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""")]
    [InlineData("""{"name":{"a":{"b":{"c":{"d":1}}}},"can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""")]
    public void Expected_header_that_is_not_one_plain_JSON_object_is_refused(string header)
    {
        var validated = Validate(headers: new() { [ChangeHeaders.Expected] = header });

        AssertRefused(validated, "meta.expected", "VALIDATION_INVALID");
        Assert.Equal("X-Change-Expected must be a JSON object.", (string?)Refusals.Of(validated).Details["message"]);
    }

    [Fact]
    public void Expected_header_is_at_most_4096_characters()
    {
        Assert.Equal(Seen, Accepted(Validate(headers: new() { [ChangeHeaders.Expected] = SeenJson.PadRight(4096) })).Expected);
        var tooLong = Validate(headers: new() { [ChangeHeaders.Expected] = SeenJson.PadRight(4097) });
        AssertRefused(tooLong, "meta.expected", "VALIDATION_INVALID");
        Assert.Equal("X-Change-Expected is too long.", (string?)Refusals.Of(tooLong).Details["message"]);
    }

    [Fact]
    public void Expected_refused_in_meta_is_refused_whatever_the_header_says()
    {
        AssertRefused(Validate(new JsonObject { ["expected"] = "x" }, new() { [ChangeHeaders.Expected] = SeenJson }), "meta.expected", "VALIDATION_INVALID");
        AssertRefused(Validate(new JsonObject { ["expected"] = JsonNode.Parse(SeenJson) }, new() { [ChangeHeaders.Expected] = "[]" }), "meta.expected", "VALIDATION_INVALID");
    }

    // expires_at: an RFC 3339 instant, in the future, at most 366 days ahead (Policy:MaxGrantDuration decides the real maximum)

    public static TheoryData<string, string> ExpiresAtAccepted() => new()
    {
        { "one second ahead, Z", Instant(Now.AddSeconds(1)) },
        { "a day ahead, Z", Instant(Now.AddDays(1)) },
        { "exactly 366 days ahead", Instant(Now.AddDays(366)) },
        { "fractional seconds and an offset", Instant(Now.AddHours(2).ToOffset(TimeSpan.FromHours(2)), "yyyy-MM-ddTHH:mm:ss.fffzzz") },
        { "a positive offset", Instant(Now.AddDays(1).ToOffset(TimeSpan.FromHours(5.5)), "yyyy-MM-ddTHH:mm:sszzz") },
        { "a negative offset", Instant(Now.AddDays(1).ToOffset(TimeSpan.FromHours(-5)), "yyyy-MM-ddTHH:mm:sszzz") },
        { "seven fractional digits", Instant(Now.AddDays(1), "yyyy-MM-ddTHH:mm:ss.fffffffZ") },
    };

    [Theory]
    [MemberData(nameof(ExpiresAtAccepted))]
    public void Expires_at_in_the_next_7_days_is_read_as_a_UTC_instant(string example, string text)
    {
        var at = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

        var fromMeta = Accepted(Validate(new JsonObject { ["expires_at"] = text })).ExpiresAt;
        var fromHeader = Accepted(Validate(headers: new() { [ChangeHeaders.ExpiresAt] = text })).ExpiresAt;

        Assert.True(fromMeta == at && fromMeta.Value.Offset == TimeSpan.Zero, $"{example}: {fromMeta:O}");
        Assert.Equal(fromMeta, fromHeader);
        Assert.Equal(TimeSpan.Zero, fromHeader!.Value.Offset);
    }

    public static TheoryData<string, string> ExpiresAtRefused() => new()
    {
        { "now", Instant(Now) },
        { "a second ago", Instant(Now.AddSeconds(-1)) },
        { "long ago", "2000-01-01T00:00:00Z" },
        { "a second past 366 days", Instant(Now.AddDays(366).AddSeconds(1)) },
        { "no offset", Instant(Now.AddDays(1), "yyyy-MM-ddTHH:mm:ss") },
        { "no seconds", Instant(Now.AddDays(1), "yyyy-MM-ddTHH:mmZ") },
        { "a date alone", Instant(Now.AddDays(1), "yyyy-MM-dd") },
        { "a space for the T", Instant(Now.AddDays(1), "yyyy-MM-dd HH:mm:ssZ") },
        { "month 13", "2026-13-01T00:00:00Z" },
        { "words", "tomorrow" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(ExpiresAtRefused))]
    public void Expires_at_that_is_not_an_instant_in_the_next_7_days_is_refused(string example, string text)
    {
        AssertRefused(Validate(new JsonObject { ["expires_at"] = text }), "meta.expires_at", "VALIDATION_INVALID", example);
        AssertRefused(Validate(headers: new() { [ChangeHeaders.ExpiresAt] = text }), "meta.expires_at", "VALIDATION_INVALID", example);
    }

    [Fact]
    public void Expires_at_that_is_not_a_string_is_refused()
    {
        AssertRefused(Validate(new JsonObject { ["expires_at"] = 1772366400 }), "meta.expires_at", "VALIDATION_INVALID");
    }

    [Fact]
    public void Expires_at_in_meta_and_its_header_must_agree()
    {
        var tomorrow = Instant(Now.AddDays(1));

        Assert.Equal(Now.AddDays(1), Accepted(Validate(new JsonObject { ["expires_at"] = tomorrow }, new() { [ChangeHeaders.ExpiresAt] = tomorrow })).ExpiresAt);
        Assert.Equal(Now.AddDays(1), Accepted(Validate(new JsonObject { ["expires_at"] = null }, new() { [ChangeHeaders.ExpiresAt] = tomorrow })).ExpiresAt);
        AssertRefused(Validate(new JsonObject { ["expires_at"] = tomorrow }, new() { [ChangeHeaders.ExpiresAt] = Instant(Now.AddDays(2)) }), "meta.expires_at", "VALIDATION_CONFLICT");
    }

    // The same rules when the values come over HTTP

    [Fact]
    public async Task Change_headers_and_the_dry_run_query_reach_the_validator_from_the_HTTP_request()
    {
        var headers = new Dictionary<string, string>
        {
            [ChangeHeaders.RequestedBy] = "alice@example.com", [ChangeHeaders.ApprovedBy] = "bob@example.com", [ChangeHeaders.Reason] = "Launch",
            [ChangeHeaders.Ticket] = "CHG-1042", [ChangeHeaders.Expected] = SeenJson, [ChangeHeaders.ExpiresAt] = Instant(Now.AddDays(1)),
            ["X-Change-Unknown"] = "ignored",
        };
        var admitted = await HttpRequests.AdmitAsync(Id, Documents.Update(Id).ToJsonString(), headers: headers, query: "?dry_run=true");

        var meta = Accepted(ChangeDocumentValidator.Validate(admitted.Document, admitted.TokenId, admitted.Headers, Now));

        Assert.Equal(new ChangeMetadata("alice@example.com", "bob@example.com", "Launch", "CHG-1042", DryRun: true, Seen, Now.AddDays(1)), meta);
    }

    [Fact]
    public async Task Dry_run_header_and_query_that_disagree_over_HTTP_are_refused()
    {
        var admitted = await HttpRequests.AdmitAsync(Id, Documents.Update(Id).ToJsonString(),
            headers: new() { [ChangeHeaders.DryRun] = "true" }, query: "?dry_run=false");

        AssertRefused(ChangeDocumentValidator.Validate(admitted.Document, admitted.TokenId, admitted.Headers, Now), "meta.dry_run", "VALIDATION_CONFLICT");
    }
}
