using System.Text;
using System.Text.RegularExpressions;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Tests.Support;

namespace AccessTokenGateway.Tests.Security;

/// <summary>The signing scheme itself: the worked example in SECURITY.md, the header grammar, the secret format.</summary>
public sealed class SignatureSchemeTests
{
    // The worked example of SECURITY.md, computed independently (openssl dgst -sha256 -hmac) when it was written.
    private const string ExampleSecret = "example-signing-secret-do-not-use-0123456789";
    private const long ExampleTimestamp = 1767225600; // 2026-01-01T00:00:00Z
    private const string ExampleBody = """{"data":{"type":"access_token","id":"312","attributes":{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false},"relationships":{"role":{"data":{"type":"role","id":"34"}}}}}""";
    private const string ExampleHeader = "t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c";

    [Fact]
    public void Worked_example_in_SECURITY_md_is_the_HMAC_the_gateway_and_an_independent_implementation_compute()
    {
        var body = Encoding.UTF8.GetBytes(ExampleBody);

        Assert.Equal(ExampleHeader, WebhookSignature.CreateHeader(ExampleTimestamp, body, ExampleSecret));
        Assert.Equal(ExampleHeader, Signing.Header(body, ExampleTimestamp, ExampleSecret));

        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "SECURITY.md"));
        Assert.Equal(ExampleSecret, DocValue(doc, "secret"));
        Assert.Equal(ExampleTimestamp.ToString(), DocValue(doc, "t"));
        Assert.Equal(ExampleBody, DocValue(doc, "body"));
        Assert.Equal(ExampleHeader, DocValue(doc, "X-Signature"));
        Assert.Contains($"printf '%s' '{ExampleTimestamp}.{ExampleBody}' | openssl dgst -sha256 -hmac '{ExampleSecret}'", doc);
    }

    [Theory]
    [InlineData("t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c", 1)]
    [InlineData("v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,t=1767225600", 1)]
    [InlineData("t=1767225600,v1=3F6ED6B8BD9FA5D9D0D2C5376C991E024542654AEBAFF5BB016BEE65E786672C", 1)]
    [InlineData("t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,v1=0000000000000000000000000000000000000000000000000000000000000000", 2)]
    [InlineData("t=1767225600,v0=abc123,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c", 1)]
    public void Well_formed_headers_are_read(string header, int signatures)
    {
        Assert.True(WebhookSignature.TryParse(header, out var parsed));
        Assert.Equal("1767225600", parsed.TimestampText);
        Assert.Equal(ExampleTimestamp, parsed.UnixSeconds);
        Assert.Equal(signatures, parsed.Signatures.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=1767225600")]                                          // no signature
    [InlineData("v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")] // no timestamp
    [InlineData("t=1767225600,t=1767225601,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")]
    [InlineData("t=-1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")]
    [InlineData("t=1767225600.5,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")]
    [InlineData("t=1e9,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")]
    [InlineData("t=9999999999999,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")] // 13 digits
    [InlineData("t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672")]   // 63 hex digits
    [InlineData("t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672cc")] // 65
    [InlineData("t=1767225600,v1=zf6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")]
    [InlineData("t=1767225600, v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")] // a space
    [InlineData("t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,")]  // trailing comma
    [InlineData("t=1767225600,sha256=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")]
    [InlineData("t=1767225600,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")] // six
    [InlineData("t=１７６７２２５６００,v1=3f6ed6b8bd9fa5d9d0d2c5376c991e024542654aebaff5bb016bee65e786672c")] // full-width digits
    public void Malformed_headers_are_refused(string header)
    {
        Assert.False(WebhookSignature.TryParse(header, out _));
    }

    [Fact]
    public void An_overlong_header_is_refused_unread()
    {
        Assert.False(WebhookSignature.TryParse("t=1767225600,v0=" + new string('a', WebhookSignature.MaxHeaderLength), out _));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", 1)]
    [InlineData("0123456789abcdef0123456789abcdef\n", 1)]
    [InlineData("0123456789abcdef0123456789abcdef\r\nfedcba9876543210fedcba9876543210\r\n", 2)]
    [InlineData("\n0123456789abcdef0123456789abcdef\n\nfedcba9876543210fedcba9876543210", 2)]
    public void The_vault_secret_holds_the_current_and_optionally_the_previous_signing_secret(string value, int count)
    {
        var secrets = SigningSecrets.TryRead(value);

        Assert.NotNull(secrets);
        Assert.Equal(count, secrets!.Keys.Count);
        Assert.Equal("0123456789abcdef0123456789abcdef", Encoding.UTF8.GetString(secrets.Keys[0]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("short-secret")]                                         // under 32 bytes
    [InlineData("0123456789abcdef0123456789abcdef\nshort")]               // the previous one too short
    [InlineData("0123456789abcdef0123456789abcdef\n0123456789abcdef0123456789abcdef\n0123456789abcdef0123456789abcdef")] // three
    public void An_unusable_vault_secret_is_refused_not_used(string value)
    {
        Assert.Null(SigningSecrets.TryRead(value));
    }

    /// <summary>The value on a line <c>name: value</c> inside SECURITY.md's worked example.</summary>
    private static string DocValue(string doc, string name)
    {
        var match = Regex.Match(doc, "^" + Regex.Escape(name) + @":[ ]+(\S.*?)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"SECURITY.md has no line '{name}: …' in its worked example");
        return match.Groups[1].Value;
    }
}
