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
    public async Task Missing_or_wrong_key_is_refused_with_the_hosts_empty_401_before_the_function_runs(string _, string? header, string? code)
    {
        var response = await _gateway.PutBytesAsync(Seed.EditableTokenId, Body(), client: _anonymous, customize: r =>
        {
            if (header is not null) r.Headers.TryAddWithoutValidation("x-functions-key", header);
            if (code is not null) r.RequestUri = new Uri($"access_tokens/{Seed.EditableTokenId}?code={Uri.EscapeDataString(code)}", UriKind.Relative);
        });

        await AssertAnsweredByTheHostAlone(response, HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string, string> NotServed() => new()
    {
        { "POST", $"access_tokens/{Seed.EditableTokenId}" },
        { "DELETE", $"access_tokens/{Seed.EditableTokenId}" },
        { "PUT", "access_tokens" },
        { "PUT", $"access_tokens/{Seed.EditableTokenId}/role" },
        { "GET", $"access_tokens/{Seed.EditableTokenId}/role" },
        { "POST", "roles" },
        { "PUT", $"roles/{Seed.EditorRoleId}" },
        { "GET", "admin" },
    };

    [Theory]
    [MemberData(nameof(NotServed))]
    public async Task Other_methods_and_paths_get_the_hosts_empty_404_even_with_a_valid_key(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Body()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/vnd.api+json");

        var response = await _gateway.Client.SendAsync(request);

        await AssertAnsweredByTheHostAlone(response, HttpStatusCode.NotFound);
    }

    /// <summary>
    /// The answer is the host's, as the Functions host gives it: the status and no body, none of the function's headers
    /// (it sets X-Audit-Id and X-Correlation-Id on every answer it gives), nothing forwarded to DatoCMS, nothing audited.
    /// </summary>
    private async Task AssertAnsweredByTheHostAlone(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(response.Headers.Contains("X-Audit-Id"), "X-Audit-Id: the function ran");
        Assert.False(response.Headers.Contains("X-Correlation-Id"), "X-Correlation-Id: the function ran");
        Assert.Empty(_gateway.Simulator.State.Requests);
        Assert.Empty(await _gateway.AuditRecordsAsync());
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
