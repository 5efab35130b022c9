using System.Reflection;
using System.Text.Json.Nodes;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Tests.Errors;

/// <summary>Every code the gateway answers with is explained in the README, where its error document's <c>doc_url</c> points.</summary>
public sealed class ErrorDocumentationTests
{
    public static TheoryData<string> Codes()
    {
        var codes = new TheoryData<string>();
        foreach (var type in new[] { typeof(ErrorCodes), typeof(PolicyCodes), typeof(SignatureErrorCodes) })
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)))
                codes.Add((string)field.GetRawConstantValue()!);
        codes.Add(AccessTokenGateway.Audit.AuditQuery.InvalidQueryCode);
        return codes;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_error_code_has_its_anchor_in_the_README_errors_table(string code)
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, ErrorDocument.ErrorsReadme));
        var errors = readme[readme.IndexOf("\n## Errors\n", StringComparison.Ordinal)..];

        Assert.Contains($"| <a id=\"{ErrorDocument.Anchor(code)}\"></a>`{code}` |", errors);
        Assert.Equal(ErrorDocument.ErrorsReadme + "#" + ErrorDocument.Anchor(code), (string?)ErrorDocument.Build("a1", code, null, false)["data"]![0]!["attributes"]!["doc_url"]);
    }

    [Fact]
    public void Only_an_error_marked_transient_says_so()
    {
        Assert.Null(ErrorDocument.Build("a1", ErrorCodes.CmaTokenRejected, null, transient: false)["data"]![0]!["attributes"]!["transient"]);
        Assert.True((bool)ErrorDocument.Build("a1", ErrorCodes.TokenBusy, null, transient: true)["data"]![0]!["attributes"]!["transient"]!);
    }

    [Fact]
    public void Every_error_of_DatoCMS_is_passed_on_with_its_doc_url_under_the_audit_id_and_nothing_else_of_it()
    {
        var body = """
            {"data":[
              {"id":"d1","type":"api_error","attributes":{"code":"INVALID_FIELD","doc_url":"https://www.datocms.com/docs/content-management-api/errors#INVALID_FIELD","details":{"field":"name","code":"VALIDATION_REQUIRED"},"extra":"dropped"}},
              {"id":"d2","type":"api_error","attributes":{"code":"INVALID_FIELD","doc_url":"https://www.datocms.com/docs/content-management-api/errors#INVALID_FIELD","details":{"field":"can_access_cma","code":"VALIDATION_REQUIRED"}}},
              {"type":"not_an_error"}
            ],"included":[{"secret":"x"}]}
            """u8;

        var error = UpstreamError.TryRead(422, body)!;
        var passed = JsonNode.Parse(ErrorDocument.SerializePassedOn("audit-1", error))!["data"]!.AsArray();

        Assert.Equal(2, passed.Count);
        Assert.All(passed, e => Assert.Equal("audit-1", (string?)e!["id"]));
        Assert.Equal(["name", "can_access_cma"], passed.Select(e => (string?)e!["attributes"]!["details"]!["field"]));
        Assert.All(passed, e => Assert.StartsWith("https://www.datocms.com/docs/", (string?)e!["attributes"]!["doc_url"]));
        Assert.All(passed, e => Assert.Null(e!["attributes"]!["extra"]));
    }
}
