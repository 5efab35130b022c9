using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.JsonApi;
using AccessTokenGateway.Outcomes;

namespace AccessTokenGateway.Tests.Changes;

/// <summary>What DatoCMS's failures amount to: transient only where another try can help.</summary>
public sealed class UpstreamOutcomesTests
{
    private static DatoCmsReply Reply(DatoCmsReplyKind kind, int? status, string code = "X") =>
        new(kind, 1, "test") { Status = status, Error = new UpstreamError(status ?? 0, code, null, false) };

    public static TheoryData<string, DatoCmsReply, string, bool, int> Cases() => new()
    {
        { "401 after a fresh vault read", Reply(DatoCmsReplyKind.Unauthorized, 401, "INVALID_AUTHORIZATION_HEADER"), ErrorCodes.CmaTokenRejected, false, 502 },
        { "403 to the gateway's own token", Reply(DatoCmsReplyKind.Refused, 403, "INSUFFICIENT_PERMISSIONS"), ErrorCodes.CmaTokenForbidden, false, 502 },
        { "DatoCMS 5xx", Reply(DatoCmsReplyKind.Failed, 503, "SERVICE_UNAVAILABLE"), ErrorCodes.UpstreamFailure, true, 502 },
        { "no answer to a read", Reply(DatoCmsReplyKind.NoAnswer, null), ErrorCodes.UpstreamFailure, true, 502 },
        { "rate limit", Reply(DatoCmsReplyKind.RateLimited, 429, "RATE_LIMIT_EXCEEDED"), ErrorCodes.RateLimitExceeded, true, 429 },
        { "DatoCMS's own 404", Reply(DatoCmsReplyKind.Refused, 404, "NOT_FOUND"), "NOT_FOUND", false, 404 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_failure_has_its_code_status_and_is_transient_only_where_a_retry_can_help(string failure, DatoCmsReply reply, string code, bool transient, int status)
    {
        var outcome = UpstreamOutcomes.Of(reply, wasWrite: false);

        Assert.True((code, transient, status) == (outcome.Code, outcome.IsTransient, ErrorStatus.Of(outcome)), $"{failure}: {outcome}");
    }

    [Fact]
    public void Every_token_secret_of_a_read_document_is_nulled_in_data_and_included()
    {
        var document = JsonNode.Parse("""
            {"data":[{"type":"access_token","id":"1","attributes":{"name":"a","token":"s1"}},{"type":"role","id":"2","attributes":{"name":"r"}}],
             "included":[{"type":"access_token","id":"3","attributes":{"token":"s3"}}]}
            """)!.AsObject();

        var text = SecretAttributes.Nulled(document).ToJsonString();

        Assert.DoesNotContain("s1", text);
        Assert.DoesNotContain("s3", text);
        Assert.Contains("\"token\":null", text);
    }
}
