using System.Security.Cryptography;
using System.Text;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Security;

/// <summary>
/// The v2 scheme signs everything that decides a change's outcome: the method, path, query, every X-Change-* header
/// and the body. Anything added, removed or changed on the way after signing makes the signature invalid; and the
/// body-only v1 scheme refuses metadata it does not cover.
/// </summary>
public sealed class SignatureV2Tests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"data":{"type":"access_token","id":"312"}}""");
    private static readonly SignedRequest Request = new("PUT", "/api/access_tokens/312", "",
        [KeyValuePair.Create("X-Change-Requested-By", "alice@example.com"), KeyValuePair.Create("X-Change-Approved-By", "bob@example.com")], Body);

    private readonly FakeTimeProvider _time = new(Now);

    private SignedRequestAuthenticator Authenticator() =>
        new(new StaticSecret(Signing.Secret), new MemoryReplays(), Options.Create(new SignaturesOptions { Enabled = true }), _time, NullLogger<SignedRequestAuthenticator>.Instance);

    private static string V2(SignedRequest request) => WebhookSignature.CreateV2Header(Now.ToUnixTimeSeconds(), request, Signing.Secret);

    private async Task<string?> RefusalOf(string header, SignedRequest request)
    {
        var step = await Authenticator().AuthenticateAsync(header, request, CallerIdentity.Anonymous, default);
        return step.Stop?.Code;
    }

    [Fact]
    public void The_signed_string_is_the_documented_one()
    {
        // Written out by hand, independently of the gateway's code: this is what a sender in any language builds.
        var t = Now.ToUnixTimeSeconds();
        var expected = $"v2\n{t}\nPUT\n/api/access_tokens/312\n\nx-change-approved-by:bob@example.com\nx-change-requested-by:alice@example.com\n\n" + Encoding.UTF8.GetString(Body);
        var hmac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Signing.Secret), Encoding.UTF8.GetBytes(expected)));

        Assert.Equal(expected, Encoding.UTF8.GetString(WebhookSignature.CanonicalV2(t.ToString(), Request)));
        Assert.Equal($"t={t},v2={hmac}", V2(Request));
    }

    [Fact]
    public void The_worked_example_in_SECURITY_md_is_what_the_gateway_computes()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "SECURITY.md"));
        string Line(string name) => System.Text.RegularExpressions.Regex.Match(doc, "^" + name + @": (.*?)\s*$", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
        var body = Encoding.UTF8.GetBytes(Line("v2 body"));
        var request = new SignedRequest("PUT", "/api/access_tokens/312", "",
            [KeyValuePair.Create("X-Change-Requested-By", "alice@example.com"), KeyValuePair.Create("X-Change-Approved-By", "bob@example.com")], body);

        Assert.Equal("PUT /api/access_tokens/312", Line("v2 request"));
        Assert.Equal(Line("v2 X-Signature"), WebhookSignature.CreateV2Header(1767225600, request, "example-signing-secret-do-not-use-0123456789"));
        Assert.Equal(Line("v2 X-Signature"), Signing.V2Header("PUT", "/api/access_tokens/312", "",
            [("X-Change-Requested-By", "alice@example.com"), ("X-Change-Approved-By", "bob@example.com")], body, 1767225600, "example-signing-secret-do-not-use-0123456789"));
    }

    [Fact]
    public async Task A_v2_signed_request_is_authentic_and_its_sender_the_signer()
    {
        var step = await Authenticator().AuthenticateAsync(V2(Request), Request, CallerIdentity.Anonymous, default);

        Assert.Null(step.Stop);
        Assert.Equal(new CallerIdentity(CallerKinds.Signer, "webhook"), step.Value);
    }

    [Fact]
    public async Task Header_names_compare_in_any_case_and_order()
    {
        var reordered = Request with { ChangeHeaders = [KeyValuePair.Create("x-change-approved-by", "bob@example.com"), KeyValuePair.Create("X-CHANGE-REQUESTED-BY", "alice@example.com")] };

        Assert.Null(await RefusalOf(V2(Request), reordered));
    }

    public static TheoryData<string, SignedRequest> Tampered() => new()
    {
        { "approver header added", Request with { ChangeHeaders = [.. Request.ChangeHeaders, KeyValuePair.Create("X-Change-Expires-At", "2026-03-02T00:00:00Z")] } },
        { "approver header removed", Request with { ChangeHeaders = [Request.ChangeHeaders[0]] } },
        { "approver header changed", Request with { ChangeHeaders = [Request.ChangeHeaders[0], KeyValuePair.Create("X-Change-Approved-By", "mallory@example.com")] } },
        { "unknown X-Change header added", Request with { ChangeHeaders = [.. Request.ChangeHeaders, KeyValuePair.Create("X-Change-Anything", "x")] } },
        { "dry run turned off in the query", Request with { Query = "dry_run=false" } },
        { "path changed", Request with { Path = "/api/access_tokens/313" } },
        { "method changed", Request with { Method = "POST" } },
        { "body changed", Request with { Body = Encoding.UTF8.GetBytes("""{"data":{"type":"access_token","id":"313"}}""") } },
        { "a header moved into the body's place", Request with { ChangeHeaders = [Request.ChangeHeaders[0]], Body = Encoding.UTF8.GetBytes("x-change-approved-by:bob@example.com\n\n" + Encoding.UTF8.GetString(Body)) } },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task Anything_added_removed_or_changed_after_signing_is_refused(string what, SignedRequest tampered)
    {
        Assert.True(await RefusalOf(V2(Request), tampered) == SignatureErrorCodes.Invalid, what);
    }

    [Fact]
    public async Task A_dry_run_signed_in_the_query_stays_a_dry_run()
    {
        var dryRun = Request with { Query = "dry_run=true" };

        Assert.Null(await RefusalOf(V2(dryRun), dryRun));
        Assert.Equal(SignatureErrorCodes.Invalid, await RefusalOf(V2(dryRun), dryRun with { Query = "" }));
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task A_v1_signature_does_not_cover_metadata_outside_the_body(string where)
    {
        var request = where == "header"
            ? SignedRequest.BodyOnly(Body) with { ChangeHeaders = [KeyValuePair.Create("X-Change-Approved-By", "mallory@example.com")] }
            : SignedRequest.BodyOnly(Body) with { Query = "dry_run=false" };

        Assert.Equal(SignatureErrorCodes.UnsignedMetadata, await RefusalOf(Signing.Header(Body, Now.ToUnixTimeSeconds()), request));
    }

    [Fact]
    public async Task A_v1_signature_still_authenticates_a_request_whose_metadata_is_in_the_body()
    {
        var request = SignedRequest.BodyOnly(Body) with { Path = "/api/access_tokens/312", Query = "code=function-key" };

        Assert.Null(await RefusalOf(Signing.Header(Body, Now.ToUnixTimeSeconds()), request));
    }

    [Fact]
    public async Task A_v2_request_replayed_is_refused()
    {
        var authenticator = Authenticator();
        var header = V2(Request);

        Assert.Null((await authenticator.AuthenticateAsync(header, Request, CallerIdentity.Anonymous, default)).Stop);
        Assert.Equal(SignatureErrorCodes.Replayed, (await authenticator.AuthenticateAsync(header, Request, CallerIdentity.Anonymous, default)).Stop?.Code);
    }

    [Fact]
    public void V2_values_are_read_beside_v1_within_the_limit_of_five()
    {
        var hex = new string('a', 64);
        Assert.True(WebhookSignature.TryParse($"t=1,v2={hex},v1={hex}", out var parsed));
        Assert.Equal((1, 1), (parsed.V2Signatures.Count, parsed.Signatures.Count));
        Assert.False(WebhookSignature.TryParse($"t=1,v2={hex},v2={hex},v2={hex},v1={hex},v1={hex},v1={hex}", out _));
    }

    private const string SenderSecret = "github-actions-own-signing-secret-0123456789";

    private SignedRequestAuthenticator WithSenders()
    {
        var services = new ServiceCollection()
            .AddSingleton(Options.Create(new KeyVaultOptions()))
            .AddSingleton(Moq.Mock.Of<Microsoft.Extensions.Hosting.IHostEnvironment>(e => e.EnvironmentName == "Development"))
            .BuildServiceProvider();
        var signatures = Options.Create(new SignaturesOptions
        {
            Enabled = true, Senders = ["github-actions"], DevelopmentSenderSecrets = { ["github-actions"] = SenderSecret },
        });
        return new(new StaticSecret(Signing.Secret), new MemoryReplays(), signatures, _time, NullLogger<SignedRequestAuthenticator>.Instance,
            new SenderSecrets(services, signatures));
    }

    [Fact]
    public async Task A_named_sender_signs_with_its_own_secret_and_is_recorded_by_its_id()
    {
        var header = WebhookSignature.CreateSenderV2Header(Now.ToUnixTimeSeconds(), Request, "github-actions", SenderSecret);

        var step = await WithSenders().AuthenticateAsync(header, Request, CallerIdentity.Anonymous, default);

        Assert.Null(step.Stop);
        Assert.Equal(new CallerIdentity(CallerKinds.Signer, "github-actions"), step.Value);
    }

    [Theory]
    [InlineData("github-actions", Signing.Secret)]   // the shared secret under a sender's name
    [InlineData(null, SenderSecret)]                 // a sender's secret without its name
    [InlineData("servicenow", SenderSecret)]         // a sender not configured
    public async Task A_signature_counts_only_under_the_secret_of_the_sender_it_names(string? sender, string secret)
    {
        var header = WebhookSignature.CreateSenderV2Header(Now.ToUnixTimeSeconds(), Request, sender, secret);

        var step = await WithSenders().AuthenticateAsync(header, Request, CallerIdentity.Anonymous, default);

        Assert.Equal(SignatureErrorCodes.Invalid, step.Stop?.Code);
    }

    [Theory]
    [InlineData("t=1,k=webhook,v2=" + Hex)]       // the shared secret's own name
    [InlineData("t=1,k=GitHub,v2=" + Hex)]        // upper case
    [InlineData("t=1,k=a,k=b,v2=" + Hex)]         // two senders
    [InlineData("t=1,k=,v2=" + Hex)]
    public void Malformed_sender_names_make_the_header_malformed(string header)
    {
        Assert.False(WebhookSignature.TryParse(header, out _));
    }

    private const string Hex = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private sealed class MemoryReplays : IReplayStore
    {
        private readonly HashSet<string> _seen = [];
        public Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) => Task.FromResult(_seen.Add(key));
    }
}
