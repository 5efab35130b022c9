using System.Net;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Security;

/// <summary>The local host's stand-in for <c>AuthorizationLevel.Function</c>: what Azure's host checks before the function runs.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class FunctionKeyTests(AzuriteFixture storage) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        await storage.ResetQueuesAsync();
        _gateway = await GatewayHarness.StartAsync(storage, o => o.Settings["LocalHost:FunctionKeys:approval-workflow"] = "second-function-key-7e29b4");
        _anonymous = new HttpClient { BaseAddress = _gateway.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _gateway.DisposeAsync();
    }

    private static byte[] Body(string name = "Keyed") => System.Text.Encoding.UTF8.GetBytes(Documents.Update(Seed.EditableTokenId, name: name).ToJsonString());

    public static TheoryData<string, string?, string?> Refused() => new()
    {
        { "no key", null, null },
        { "wrong header", "not-the-key", null },
        { "empty header", "", null },
        { "wrong code", null, "not-the-key" },
        { "key with a suffix", GatewayHarness.FunctionKey + "x", null },
        { "key's prefix", GatewayHarness.FunctionKey[..^1], null },
        { "key in other case", GatewayHarness.FunctionKey.ToUpperInvariant(), null },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Missing_or_wrong_key_is_refused_with_401_before_the_function_runs(string _, string? header, string? code)
    {
        var response = await _gateway.PutBytesAsync(Seed.EditableTokenId, Body(), client: _anonymous, customize: r =>
        {
            if (header is not null) r.Headers.TryAddWithoutValidation("x-functions-key", header);
            if (code is not null) r.RequestUri = new Uri($"access_tokens/{Seed.EditableTokenId}?code={Uri.EscapeDataString(code)}", UriKind.Relative);
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("INVALID_FUNCTION_KEY", await SecurityHttp.ErrorCodeAsync(response));
        Assert.Empty(_gateway.Simulator.State.Requests);
    }

    [Fact]
    public async Task Key_in_the_code_query_value_is_accepted_and_the_caller_recorded_by_the_keys_name()
    {
        var response = await _gateway.PutBytesAsync(Seed.EditableTokenId, Body("Via code"), client: _anonymous,
            customize: r => r.RequestUri = new Uri($"access_tokens/{Seed.EditableTokenId}?code=second-function-key-7e29b4", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = await _gateway.WaitForAuditAsync(r => r.Any(a => (string?)a["kind"] == "outcome"));
        var caller = records.Single(a => (string?)a["kind"] == "outcome")["caller"]!;
        Assert.Equal("function_key", (string?)caller["kind"]);
        Assert.Equal("approval-workflow", (string?)caller["id"]);
    }

    [Fact]
    public async Task Key_in_the_code_query_is_not_logged_even_with_every_log_level_turned_up()
    {
        // An operator raising verbosity must not bring back ASP.NET Core's request line, which carries the query string.
        await using var verbose = await GatewayHarness.StartAsync(storage, o =>
        {
            o.Settings["Logging:LogLevel:Default"] = "Trace";
            o.Settings["Logging:LogLevel:Microsoft.AspNetCore.Routing"] = "Trace";
            o.Settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace";
            o.Settings["LocalHost:FunctionKeys:approval-workflow"] = "second-function-key-7e29b4";
        });
        using var anonymous = new HttpClient { BaseAddress = verbose.BaseUrl };

        var response = await verbose.PutBytesAsync(Seed.EditableTokenId, Body("Verbose"), client: anonymous,
            customize: r => r.RequestUri = new Uri($"access_tokens/{Seed.EditableTokenId}?code=second-function-key-7e29b4", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Microsoft.AspNetCore.Routing", verbose.Logs.AllText); // the verbosity did take effect
        Assert.DoesNotContain("second-function-key-7e29b4", verbose.Logs.AllText);
    }

    [Fact]
    public async Task Keys_never_reach_a_log_line_an_audit_record_or_a_response()
    {
        var viaHeader = await _gateway.PutBytesAsync(Seed.EditableTokenId, Body("Via header"));
        var viaCode = await _gateway.PutBytesAsync(Seed.EditableTokenId, Body("Via code"), client: _anonymous,
            customize: r => r.RequestUri = new Uri($"access_tokens/{Seed.EditableTokenId}?code=second-function-key-7e29b4", UriKind.Relative));
        var refused = await _gateway.PutBytesAsync(Seed.EditableTokenId, Body(), client: _anonymous,
            customize: r => r.Headers.Add("x-functions-key", "second-function-key-7e29b4-almost"));

        var records = await _gateway.WaitForAuditAsync(r => r.Count(a => (string?)a["kind"] == "outcome") == 2);
        var everything = string.Join('\n', [
            _gateway.Logs.AllText,
            .. records.Select(r => r.ToJsonString()),
            .. await Task.WhenAll(new[] { viaHeader, viaCode, refused }.Select(r => r.Content.ReadAsStringAsync())),
            .. new[] { viaHeader, viaCode, refused }.Select(r => r.Headers.ToString() + r.Content.Headers)]);
        Assert.DoesNotContain(GatewayHarness.FunctionKey, everything);
        Assert.DoesNotContain("second-function-key-7e29b4", everything);
    }
}
