using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Approvals;

/// <summary>
/// With signatures required, what decides the outcome is signed: a v2 signature covers the method, path, query and
/// every X-Change-* header as well as the body, so a header added, removed or changed on the way is refused; a v1
/// signature covers the body only, so metadata outside it is refused.
/// </summary>
public sealed class SignedMetadataTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(Documents.Update(Seed.EditableTokenId, preview: true).ToJsonString());
    private static readonly (string, string)[] Approval =
        [("X-Change-Requested-By", "alice@example.com"), ("X-Change-Approved-By", "bob@example.com"), ("X-Change-Expected", """{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""")];
    private const string Path = "/api/access_tokens/312";

    protected override void Configure(HarnessOptions options)
    {
        Signing.Require(options);
        options.Settings["Approvals:TrustedCallers:0"] = "signer:webhook";
    }

    private Task<HttpResponseMessage> SendAsync(string signature, IEnumerable<(string Name, string Value)> headers, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "access_tokens/" + Seed.EditableTokenId + (query.Length > 0 ? "?" + query : "")) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new("application/vnd.api+json");
        request.Headers.Add("X-Signature", signature);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return Gateway.Client.SendAsync(request);
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]?[0]?["attributes"]?["code"];

    [Fact]
    public async Task A_v2_signed_approval_in_headers_is_applied()
    {
        var response = await SendAsync(Signing.V2Header("PUT", Path, "", Approval, Body), Approval);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["kind"] == "outcome");
        Assert.Equal(("signer", "webhook", "bob@example.com"), ((string?)outcome["caller"]!["kind"], (string?)outcome["caller"]!["id"], (string?)outcome["approved_by"]));
    }

    public static TheoryData<string, (string, string)[], string> Tampering() => new()
    {
        { "expiry header added", [.. Approval, ("X-Change-Expires-At", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ"))], "" },
        { "approver header removed", [Approval[0]], "" },
        { "approver header changed", [Approval[0], ("X-Change-Approved-By", "carol@example.com")], "" },
        { "dry run added in the query", Approval, "dry_run=false" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Metadata_added_removed_or_changed_after_signing_is_refused(string what, (string, string)[] sent, string query)
    {
        var signature = Signing.V2Header("PUT", Path, "", Approval, Body);

        var response = await SendAsync(signature, sent, query);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, what);
        Assert.Equal("SIGNATURE_INVALID", await CodeOf(response));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.Equal("rejected", (string?)Assert.Single(await Gateway.AuditRecordsAsync())["outcome"]);
    }

    [Fact]
    public async Task A_v1_signature_over_the_body_does_not_cover_an_approver_in_a_header()
    {
        var response = await SendAsync(Signing.Header(Body), Approval);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("SIGNATURE_UNSIGNED_METADATA", await CodeOf(response));
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }
}
