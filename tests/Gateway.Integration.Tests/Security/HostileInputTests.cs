using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Validation;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Security;

/// <summary>
/// The limits on what a request may be, at their exact edges, and the byte-level tricks a JSON parser may let
/// through. (Validation/ValidationRuleTests holds one row per document rule; these are the hostile-input edges.)
/// Every refusal is a DatoCMS-shaped error document and nothing reaches DatoCMS.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class HostileInputTests(AzuriteFixture storage)
{
    private const string Id = Seed.EditableTokenId;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A valid document with <paramref name="marker"/> as the name, for splicing raw bytes in place of it.</summary>
    private static byte[] WithNameBytes(params byte[] name)
    {
        var text = Documents.Update(Id, name: "@@").ToJsonString();
        var at = text.IndexOf("@@", StringComparison.Ordinal);
        return [.. Utf8(text[..at]), .. name, .. Utf8(text[(at + 2)..])];
    }

    private static JsonObject Nested(int depth)
    {
        var node = new JsonObject();
        for (var i = 1; i < depth; i++) node = new JsonObject { ["x"] = node };
        return node;
    }

    private async Task<(HttpStatusCode Status, string Code, int Forwarded)> SendAsync(byte[] body, string contentType = "application/vnd.api+json", string id = Id)
    {
        var gateway = await storage.SharedGatewayAsync();
        var before = gateway.Simulator.State.Requests.Count;
        var response = await gateway.PutBytesAsync(id, body, contentType);
        var text = await response.Content.ReadAsStringAsync();
        var code = response.IsSuccessStatusCode ? "" : SecurityHttp.ErrorCodeOf(text);
        return (response.StatusCode, code, gateway.Simulator.State.Requests.Count - before);
    }

    public static TheoryData<string, byte[], int, string> Refused() => new()
    {
        { "a UTF-8 byte order mark", [0xEF, 0xBB, 0xBF, .. Utf8(Documents.Update(Id).ToJsonString())], 400, "INVALID_JSON_BODY" },
        { "UTF-16", Encoding.Unicode.GetBytes(Documents.Update(Id).ToJsonString()), 400, "INVALID_JSON_BODY" },
        { "an overlong encoding of '/'", WithNameBytes(0x61, 0xC0, 0xAF), 400, "INVALID_JSON_BODY" },
        { "an encoded surrogate (CESU-8)", WithNameBytes(0x61, 0xED, 0xA0, 0x80), 400, "INVALID_JSON_BODY" },
        { "a truncated sequence", WithNameBytes(0x61, 0xE2, 0x82), 400, "INVALID_JSON_BODY" },
        { "a byte that is never UTF-8", WithNameBytes(0x61, 0xFF), 400, "INVALID_JSON_BODY" },
        { "an unpaired surrogate escape in a value", WithNameBytes(Utf8("a\\ud800b")), 400, "INVALID_JSON_BODY" },
        { "an unpaired low surrogate escape in a value", WithNameBytes(Utf8("\\udc00")), 400, "INVALID_JSON_BODY" },
        { "an unpaired surrogate escape in a member name", Utf8(Documents.Update(Id).ToJsonString().Replace("\"can_access_cma\"", "\"can_access_cma\",\"\\ud800\"")), 400, "INVALID_JSON_BODY" },
        { "an escaped NUL in the name", WithNameBytes(Utf8("a\\u0000b")), 422, "INVALID_FIELD" },
        { "a raw tab in a string", WithNameBytes(Utf8("a\tb")), 400, "INVALID_JSON_BODY" },
        { "a line separator in the name", WithNameBytes(Utf8("a\u2028b")), 422, "INVALID_FIELD" },
        { "a duplicate member spelled with an escape", Utf8(Documents.Update(Id).ToJsonString().Replace("\"can_access_cma\":false", "\"can_access_cma\":false,\"can_access_\\u0063ma\":true")), 400, "INVALID_JSON_BODY" },
        { "a second document after the first", Utf8(Documents.Update(Id).ToJsonString() + "{}"), 400, "INVALID_JSON_BODY" },
        { "nesting one deeper than the limit", Utf8(Documents.Update(Id).WithMeta(new JsonObject { ["x"] = Nested(ValidationLimits.MaxJsonDepth - 1) }).ToJsonString()), 400, "INVALID_JSON_BODY" },
        { "nesting at the limit (parsed, then refused as unknown)", Utf8(Documents.Update(Id).WithMeta(new JsonObject { ["x"] = Nested(ValidationLimits.MaxJsonDepth - 2) }).ToJsonString()), 422, "INVALID_META" },
        { "a name one character too long", Utf8(Documents.Update(Id, name: new string('n', ValidationLimits.MaxNameLength + 1)).ToJsonString()), 422, "INVALID_FIELD" },
        { "a reason one character too long", Utf8(Documents.Update(Id).WithMeta(new JsonObject { ["reason"] = new string('r', ValidationLimits.MaxReasonLength + 1) }).ToJsonString()), 422, "INVALID_META" },
        { "a huge number where a boolean belongs", Utf8(Documents.Update(Id).ToJsonString().Replace("\"can_access_cma\":false", "\"can_access_cma\":1e99999")), 422, "INVALID_FIELD" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Hostile_body_is_refused_exactly_and_never_forwarded(string _, byte[] body, int status, string code)
    {
        var (actual, actualCode, forwarded) = await SendAsync(body);

        Assert.Equal((status, code), ((int)actual, actualCode));
        Assert.Equal(0, forwarded);
    }

    [Fact]
    public async Task Name_and_reason_at_their_limits_are_accepted()
    {
        var body = Documents.Update(Id, name: new string('n', ValidationLimits.MaxNameLength))
            .WithMeta(new JsonObject { ["reason"] = new string('r', ValidationLimits.MaxReasonLength), ["dry_run"] = true });

        var (status, _, _) = await SendAsync(Utf8(body.ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Body_of_exactly_64_KiB_is_read_and_one_byte_more_is_refused_unread()
    {
        var document = Utf8(Documents.Update(Id).WithMeta(new JsonObject { ["dry_run"] = true }).ToJsonString());
        // Trailing whitespace is valid JSON: pad to the limit, then one past it.
        byte[] Padded(int length) => [.. document, .. Enumerable.Repeat((byte)' ', length - document.Length)];

        var atLimit = await SendAsync(Padded(ValidationLimits.MaxBodyBytes));
        var overLimit = await SendAsync(Padded(ValidationLimits.MaxBodyBytes + 1));

        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "REQUEST_TOO_LARGE", 0), overLimit);
    }

    [Fact]
    public async Task Oversized_body_without_a_content_length_is_refused_too()
    {
        var gateway = await storage.SharedGatewayAsync();
        var before = gateway.Simulator.State.Requests.Count;
        var request = new HttpRequestMessage(HttpMethod.Put, "access_tokens/" + Id)
        {
            Content = new StreamContent(new NoLengthStream(new MemoryStream(new byte[ValidationLimits.MaxBodyBytes * 4]))),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/vnd.api+json");
        request.Headers.TransferEncodingChunked = true;

        var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("REQUEST_TOO_LARGE", await SecurityHttp.ErrorCodeAsync(response));
        Assert.Equal(before, gateway.Simulator.State.Requests.Count);
    }

    [Theory]
    [InlineData("application/vnd.api+json", HttpStatusCode.OK)]
    [InlineData("application/json", HttpStatusCode.OK)]
    [InlineData("application/json; charset=utf-8", HttpStatusCode.OK)]
    [InlineData("APPLICATION/VND.API+JSON; CHARSET=\"UTF-8\"", HttpStatusCode.OK)]
    [InlineData(null, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; charset=utf-16", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json-patch+json", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/xml", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/form-data; boundary=x", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json, text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task Only_JSON_API_or_JSON_in_UTF_8_is_read(string? contentType, HttpStatusCode expected)
    {
        var body = Utf8(Documents.Update(Id).WithMeta(new JsonObject { ["dry_run"] = true }).ToJsonString());

        var (status, code, _) = await SendAsync(body, contentType!);

        Assert.Equal(expected, status);
        if (expected != HttpStatusCode.OK) Assert.Equal("INVALID_CONTENT_TYPE_HEADER", code);
    }

    [Theory]
    [InlineData("312 ")]
    [InlineData("３１２")]                  // full-width digits
    [InlineData("312\u200b")]              // a zero-width space
    [InlineData("a.b")]
    [InlineData("<script>")]
    public async Task Route_id_must_look_like_a_DatoCMS_id(string id)
    {
        var (status, code, forwarded) = await SendAsync(Utf8(Documents.Update(id).ToJsonString()), id: id);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "INVALID_FIELD", 0), (status, code, forwarded));
    }

    /// <summary>Hides the length so the client sends the body chunked, as a caller avoiding Content-Length checks would.</summary>
    private sealed class NoLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
