using System.Text.Json;
using DatoCmsSimulator;
using static AccessTokenGateway.Tests.Simulator.SimulatorHttp;

namespace AccessTokenGateway.Tests.Simulator;

public sealed class SimulatorApiTests
{
    [Fact]
    public async Task Get_token_returns_the_DatoCMS_document_with_its_secret_and_standard_headers()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, body) = await SendAsync(client, Get("access_tokens/" + Seed.EditableTokenId));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", ContentType(response)?.ToString());
        Assert.False(string.IsNullOrEmpty(Header(response, "X-Request-Id")));
        Assert.Equal("60", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("59", Header(response, "X-RateLimit-Remaining"));
        var data = body.RootElement.GetProperty("data");
        Assert.Equal("access_token", data.GetProperty("type").GetString());
        Assert.Equal("312", data.GetProperty("id").GetString());
        var attributes = data.GetProperty("attributes");
        Assert.Equal(Seed.SecretFor("312"), attributes.GetProperty("token").GetString());
        Assert.True(attributes.GetProperty("token").GetString()!.Length >= 30);
        Assert.Equal(JsonValueKind.Null, attributes.GetProperty("hardcoded_type").ValueKind);
        foreach (var flag in new[] { "can_access_cda", "can_access_cda_preview", "can_access_cma" })
        {
            Assert.True(attributes.GetProperty(flag).ValueKind is JsonValueKind.True or JsonValueKind.False);
        }
        Assert.False(string.IsNullOrEmpty(attributes.GetProperty("last_cma_access").GetString()));
        var role = data.GetProperty("relationships").GetProperty("role").GetProperty("data");
        Assert.Equal("role", role.GetProperty("type").GetString());
        Assert.Equal(Seed.EditorRoleId, role.GetProperty("id").GetString());
    }

    [Fact]
    public async Task List_returns_every_seeded_token_with_distinct_secrets()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, body) = await SendAsync(client, Get("access_tokens"));

        Assert.Equal(200, (int)response.StatusCode);
        var tokens = body.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(5 + Seed.BulkTokenCount, tokens.Count);
        var ids = tokens.Select(t => t.GetProperty("id").GetString()).ToHashSet();
        Assert.Subset(ids, new HashSet<string?>([Seed.EditableTokenId, Seed.SecondEditableTokenId, Seed.ReadOnlyBuiltInTokenId, Seed.AdminBuiltInTokenId, Seed.GatewayTokenId, "400", "419"]));
        var secrets = tokens.Select(t => t.GetProperty("attributes").GetProperty("token").GetString()).ToList();
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
        var readOnly = tokens.Single(t => t.GetProperty("id").GetString() == Seed.ReadOnlyBuiltInTokenId);
        Assert.Equal("readonly", readOnly.GetProperty("attributes").GetProperty("hardcoded_type").GetString());
        Assert.Equal(JsonValueKind.Null, readOnly.GetProperty("relationships").GetProperty("role").GetProperty("data").ValueKind);
        var admin = tokens.Single(t => t.GetProperty("id").GetString() == Seed.AdminBuiltInTokenId);
        Assert.Equal("admin", admin.GetProperty("attributes").GetProperty("hardcoded_type").GetString());
    }

    [Fact]
    public async Task Roles_can_be_listed_and_found()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (listResponse, list) = await SendAsync(client, Get("roles"));
        var (findResponse, found) = await SendAsync(client, Get("roles/" + Seed.AdminRoleId));

        Assert.Equal(200, (int)listResponse.StatusCode);
        Assert.Equal(
            new[] { Seed.EditorRoleId, Seed.AdminRoleId, Seed.ViewerRoleId },
            list.RootElement.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString() ?? "").ToArray());
        Assert.Equal(200, (int)findResponse.StatusCode);
        var role = found.RootElement.GetProperty("data");
        Assert.Equal("role", role.GetProperty("type").GetString());
        Assert.Equal("Admin", role.GetProperty("attributes").GetProperty("name").GetString());
        Assert.True(role.GetProperty("attributes").GetProperty("can_manage_access_tokens").GetBoolean());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic c2ltLWNtYS10b2tlbg==")]
    [InlineData("sim-cma-token")]
    [InlineData("Bearer ")]
    public async Task Missing_or_invalid_authorization_is_refused_with_INVALID_AUTHORIZATION_HEADER(string? authorization)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var request = Request(HttpMethod.Get, "access_tokens/312", bearer: null);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var (response, body) = await SendAsync(client, request);

        AssertError(response, body, 401, "INVALID_AUTHORIZATION_HEADER");
        Assert.False(string.IsNullOrEmpty(Header(response, "X-Request-Id")));
        Assert.NotNull(Header(response, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Api_tokens_can_be_rotated_at_run_time()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var options = server.State.Options;

        options.ApiTokens.Add("rotated-token");
        options.ApiTokens.Remove(ApiToken);
        var (oldResponse, oldBody) = await SendAsync(client, Get("access_tokens/312"));
        var (newResponse, _) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", bearer: "rotated-token"));

        AssertError(oldResponse, oldBody, 401, "INVALID_AUTHORIZATION_HEADER");
        Assert.Equal(200, (int)newResponse.StatusCode);
    }

    [Fact]
    public async Task A_bearer_whose_record_has_can_access_cma_off_is_refused_401_everywhere()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.SetToken(server.State.GetToken(Seed.GatewayTokenId)! with { CanAccessCma = false });

        var (tokens, tokensBody) = await SendAsync(client, Get("access_tokens/312"));
        var (roles, rolesBody) = await SendAsync(client, Get("roles"));

        AssertError(tokens, tokensBody, 401, "INVALID_AUTHORIZATION_HEADER");
        AssertError(roles, rolesBody, 401, "INVALID_AUTHORIZATION_HEADER");
    }

    [Fact]
    public async Task A_bearer_whose_role_may_not_manage_api_tokens_is_refused_403_on_access_tokens_only()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.SetToken(server.State.GetToken(Seed.GatewayTokenId)! with { RoleId = Seed.EditorRoleId });

        var (list, listBody) = await SendAsync(client, Get("access_tokens"));
        var (put, putBody) = await SendAsync(client, Put("312", UpdateBody("312", name: "Demoted write")));
        var (roles, _) = await SendAsync(client, Get("roles"));

        AssertError(list, listBody, 403, "INSUFFICIENT_PERMISSIONS");
        AssertError(put, putBody, 403, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal(200, (int)roles.StatusCode);
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
    }

    [Fact]
    public async Task A_bearer_is_its_access_token_record_with_the_role_that_may_manage_tokens()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, body) = await SendAsync(client, Get("access_tokens/" + Seed.GatewayTokenId));

        Assert.Equal(200, (int)response.StatusCode);
        var attributes = body.RootElement.GetProperty("data").GetProperty("attributes");
        Assert.Equal(ApiToken, attributes.GetProperty("token").GetString());
        Assert.True(attributes.GetProperty("can_access_cma").GetBoolean());
        Assert.True(server.State.GetRole(body.RootElement.GetProperty("data").GetProperty("relationships").GetProperty("role").GetProperty("data").GetProperty("id").GetString()!)!.CanManageAccessTokens);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2")]
    [InlineData("4")]
    public async Task Missing_or_wrong_api_version_is_refused_with_INVALID_API_VERSION(string? version)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, body) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", apiVersion: version));

        AssertError(response, body, 422, "INVALID_API_VERSION");
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("application/json;q=0")]
    public async Task Accept_without_json_is_refused_with_INVALID_ACCEPT_HEADER(string accept)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, body) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", accept: accept));

        AssertError(response, body, 406, "INVALID_ACCEPT_HEADER");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("application/json")]
    [InlineData("application/vnd.api+json")]
    [InlineData("text/plain, application/json;q=0.5")]
    public async Task Accept_that_allows_json_is_accepted(string? accept)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, _) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", accept: accept));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Unknown_environment_is_refused_with_INVALID_ENVIRONMENT_and_known_ones_work()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (unknown, unknownBody) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", environment: "staging"));
        var (sandbox, _) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", environment: "sandbox"));
        var (main, _) = await SendAsync(client, Request(HttpMethod.Get, "access_tokens/312", environment: "main"));

        AssertError(unknown, unknownBody, 404, "INVALID_ENVIRONMENT", ("environment_id", "staging"));
        Assert.Equal(200, (int)sandbox.StatusCode);
        Assert.Equal(200, (int)main.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Put_with_wrong_content_type_is_refused_with_INVALID_CONTENT_TYPE_HEADER(string? contentType)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, body) = await SendAsync(client, Put("312", UpdateBody("312"), contentType));

        AssertError(response, body, 415, "INVALID_CONTENT_TYPE_HEADER");
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/vnd.api+json; charset=utf-8")]
    public async Task Put_accepts_json_content_types(string contentType)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, _) = await SendAsync(client, Put("312", UpdateBody("312"), contentType));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("{\"data\":")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Put_with_malformed_json_is_refused_with_INVALID_JSON_BODY(string body)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, document) = await SendAsync(client, Put("312", body));

        AssertError(response, document, 400, "INVALID_JSON_BODY");
    }

    [Theory]
    [InlineData("access_tokens")]
    [InlineData("role")]
    public async Task Put_with_wrong_type_is_refused_with_INVALID_TYPE(string type)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = UpdateBody("312").Replace("\"type\":\"access_token\"", $"\"type\":\"{type}\"", StringComparison.Ordinal);

        var (response, document) = await SendAsync(client, Put("312", body));

        AssertError(response, document, 422, "INVALID_TYPE");
    }

    [Theory]
    [InlineData("token", "\"abc\"")]
    [InlineData("hardcoded_type", "null")]
    [InlineData("last_cma_access", "\"today\"")]
    [InlineData("description", "\"unknown attribute\"")]
    public async Task Put_with_read_only_or_unknown_attribute_is_refused_with_INVALID_ATTRIBUTES(string attribute, string value)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = UpdateBody("312").Replace("\"attributes\":{", $"\"attributes\":{{\"{attribute}\":{value},", StringComparison.Ordinal);

        var (response, document) = await SendAsync(client, Put("312", body));

        var error = AssertError(response, document, 422, "INVALID_ATTRIBUTES");
        Assert.Contains(attribute, error.GetProperty("details").GetProperty("extraneous_attributes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
    }

    [Fact]
    public async Task Put_with_unknown_role_is_refused_with_INVALID_RELATIONSHIP()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, document) = await SendAsync(client, Put("312", UpdateBody("312", roleId: "999")));

        AssertError(response, document, 422, "INVALID_RELATIONSHIP", ("field", "role"));
        Assert.Equal(Seed.EditorRoleId, server.State.GetToken("312")!.RoleId);
    }

    [Theory]
    [InlineData("{\"role\":{\"data\":{\"type\":\"roles\",\"id\":\"34\"}}}", "VALIDATION_INVALID")]
    [InlineData("{\"role\":{\"data\":{\"type\":\"role\",\"id\":34}}}", "VALIDATION_INVALID")]
    [InlineData("{\"role\":{\"data\":null}}", "VALIDATION_REQUIRED")]
    [InlineData("{\"role\":\"34\"}", "VALIDATION_INVALID")]
    public async Task Put_with_malformed_role_relationship_is_refused_with_INVALID_RELATIONSHIP(string relationships, string validationCode)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = $"{{\"data\":{{\"type\":\"access_token\",\"id\":\"312\",\"attributes\":{{\"name\":\"n\",\"can_access_cda\":true,\"can_access_cda_preview\":true,\"can_access_cma\":true}},\"relationships\":{relationships}}}}}";

        var (response, document) = await SendAsync(client, Put("312", body));

        AssertError(response, document, 422, "INVALID_RELATIONSHIP", ("field", "role"), ("code", validationCode));
    }

    [Fact]
    public async Task Put_without_relationships_keeps_the_role()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = "{\"data\":{\"type\":\"access_token\",\"id\":\"312\",\"attributes\":{\"name\":\"No role given\",\"can_access_cda\":false,\"can_access_cda_preview\":false,\"can_access_cma\":true}}}";

        var (response, document) = await SendAsync(client, Put("312", body));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(Seed.EditorRoleId, document.RootElement.GetProperty("data").GetProperty("relationships").GetProperty("role").GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("No role given", server.State.GetToken("312")!.Name);
    }

    [Theory]
    [InlineData("\"name\":\"\",")]
    [InlineData("\"name\":\"   \",")]
    [InlineData("\"name\":null,")]
    [InlineData("")]
    public async Task Put_with_blank_name_is_refused_with_INVALID_FIELD_VALIDATION_REQUIRED(string nameMember)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = $"{{\"data\":{{\"type\":\"access_token\",\"id\":\"312\",\"attributes\":{{{nameMember}\"can_access_cda\":true,\"can_access_cda_preview\":true,\"can_access_cma\":true}}}}}}";

        var (response, document) = await SendAsync(client, Put("312", body));

        AssertError(response, document, 422, "INVALID_FIELD", ("field", "name"), ("code", "VALIDATION_REQUIRED"));
    }

    [Theory]
    [InlineData("\"yes\"", "VALIDATION_INVALID")]
    [InlineData("1", "VALIDATION_INVALID")]
    [InlineData("null", "VALIDATION_REQUIRED")]
    public async Task Put_with_non_boolean_flag_is_refused_with_INVALID_FIELD(string value, string validationCode)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = UpdateBody("312").Replace("\"can_access_cma\":true", $"\"can_access_cma\":{value}", StringComparison.Ordinal);

        var (response, document) = await SendAsync(client, Put("312", body));

        AssertError(response, document, 422, "INVALID_FIELD", ("field", "can_access_cma"), ("code", validationCode));
        Assert.False(server.State.GetToken("312")!.CanAccessCma);
    }

    [Fact]
    public async Task Put_with_missing_flag_is_refused_with_INVALID_FIELD_VALIDATION_REQUIRED()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = UpdateBody("312").Replace(",\"can_access_cda_preview\":true", "", StringComparison.Ordinal);

        var (response, document) = await SendAsync(client, Put("312", body));

        AssertError(response, document, 422, "INVALID_FIELD", ("field", "can_access_cda_preview"), ("code", "VALIDATION_REQUIRED"));
    }

    [Fact]
    public async Task Put_with_data_id_not_matching_the_route_is_refused_with_INVALID_FIELD_id()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, document) = await SendAsync(client, Put("312", UpdateBody("313")));

        AssertError(response, document, 422, "INVALID_FIELD", ("field", "id"), ("code", "VALIDATION_INVALID"));
        Assert.Equal("Preview API token", server.State.GetToken("313")!.Name);
        Assert.Equal("Read-only API token", server.State.GetToken("312")!.Name);
    }

    [Fact]
    public async Task Put_reports_every_problem_of_the_document()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var body = "{\"data\":{\"type\":\"access_token\",\"id\":\"312\",\"attributes\":{\"name\":\"\",\"token\":\"x\",\"can_access_cda\":\"no\"}}}";

        var (response, document) = await SendAsync(client, Put("312", body));

        Assert.Equal(422, (int)response.StatusCode);
        var codes = Errors(document).Select(e => e.GetProperty("attributes").GetProperty("code").GetString()).ToList();
        Assert.Contains("INVALID_ATTRIBUTES", codes);
        Assert.Equal(4, codes.Count(c => c == "INVALID_FIELD")); // name, can_access_cda, can_access_cda_preview, can_access_cma
    }

    [Theory]
    [InlineData(Seed.ReadOnlyBuiltInTokenId)]
    [InlineData(Seed.AdminBuiltInTokenId)]
    public async Task Put_on_builtin_token_is_refused_with_NON_EDITABLE_ACCESS_TOKEN(string id)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var before = server.State.GetToken(id);

        var (response, document) = await SendAsync(client, Put(id, UpdateBody(id)));

        AssertError(response, document, 422, "NON_EDITABLE_ACCESS_TOKEN");
        Assert.Equal(before, server.State.GetToken(id));
    }

    [Fact]
    public async Task Empty_hardcoded_type_counts_as_editable()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        server.State.SetToken(server.State.GetToken("313")! with { HardcodedType = "" });

        var (response, _) = await SendAsync(client, Put("313", UpdateBody("313", name: "Edited")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Edited", server.State.GetToken("313")!.Name);
    }

    [Fact]
    public async Task Unknown_token_id_gives_404_NOT_FOUND_for_get_and_put()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (get, getBody) = await SendAsync(client, Get("access_tokens/999"));
        var (put, putBody) = await SendAsync(client, Put("999", UpdateBody("999")));
        var (role, roleBody) = await SendAsync(client, Get("roles/999"));
        var (route, routeBody) = await SendAsync(client, Get("items"));

        AssertError(get, getBody, 404, "NOT_FOUND");
        AssertError(put, putBody, 404, "NOT_FOUND");
        AssertError(role, roleBody, 404, "NOT_FOUND");
        AssertError(route, routeBody, 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Successful_put_changes_state_and_returns_the_token()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);

        var (response, document) = await SendAsync(client,
            Put("312", UpdateBody("312", name: "Deploy bot", cda: false, preview: true, cma: true, roleId: Seed.AdminRoleId)));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotNull(Header(response, "X-RateLimit-Remaining"));
        var data = document.RootElement.GetProperty("data");
        Assert.Equal("312", data.GetProperty("id").GetString());
        var attributes = data.GetProperty("attributes");
        Assert.Equal("Deploy bot", attributes.GetProperty("name").GetString());
        Assert.Equal(Seed.SecretFor("312"), attributes.GetProperty("token").GetString());
        Assert.False(attributes.GetProperty("can_access_cda").GetBoolean());
        Assert.True(attributes.GetProperty("can_access_cda_preview").GetBoolean());
        Assert.True(attributes.GetProperty("can_access_cma").GetBoolean());
        Assert.Equal(Seed.AdminRoleId, data.GetProperty("relationships").GetProperty("role").GetProperty("data").GetProperty("id").GetString());

        var state = server.State.GetToken("312")!;
        Assert.Equal(new AccessTokenState("312", "Deploy bot", Seed.SecretFor("312"), null, false, true, true, Seed.AdminRoleId, state.LastCmaAccess, state.LastCdaAccess), state);

        var (get, reread) = await SendAsync(client, Get("access_tokens/312"));
        Assert.Equal(200, (int)get.StatusCode);
        Assert.Equal("Deploy bot", reread.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Seed_page_example_request_succeeds()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        const string body = "{\"data\":{\"type\":\"access_token\",\"id\":\"312\",\"attributes\":{\"name\":\"Read-only API token\",\"can_access_cda\":true,\"can_access_cda_preview\":true,\"can_access_cma\":true},\"relationships\":{\"role\":{\"data\":{\"type\":\"role\",\"id\":\"34\"}}}}}";

        var (response, _) = await SendAsync(client, Put("312", body));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(server.State.GetToken("312")!.CanAccessCma);
    }

    [Fact]
    public async Task Direct_state_changes_are_visible_over_http_and_reset_restores_the_seed()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var seeded = server.State.GetToken("313")!;

        server.State.SetToken(seeded with { Name = "Changed in the UI", CanAccessCma = true });
        var (_, changed) = await SendAsync(client, Get("access_tokens/313"));
        server.State.Reset();
        var (_, reset) = await SendAsync(client, Get("access_tokens/313"));

        Assert.Equal("Changed in the UI", changed.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("name").GetString());
        Assert.Equal(seeded.Name, reset.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("name").GetString());
        Assert.Equal(seeded, server.State.GetToken("313"));
        Assert.Single(server.State.Requests);
    }

    [Fact]
    public async Task Every_request_is_recorded_with_headers_body_and_status_but_admin_calls_are_not()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var server = await SimulatorServer.StartAsync(timeProvider: time);
        using var client = Client(server);
        var body = UpdateBody("100");

        await SendAsync(client, Request(HttpMethod.Get, "access_tokens?page=1", bearer: null));
        await SendAsync(client, Put("100", body));
        await SendAsync(client, Put("312", UpdateBody("312")));
        using (var adminResponse = await client.GetAsync("_simulator/tokens/312")) Assert.Equal(200, (int)adminResponse.StatusCode);

        var requests = server.State.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal(("GET", "/access_tokens", "page=1", 401), (requests[0].Method, requests[0].Path, requests[0].QueryString, requests[0].Status));
        Assert.Equal(422, requests[1].Status);
        Assert.Equal(body, requests[1].Body);
        Assert.Equal("Bearer sim-cma-token", requests[1].Headers["authorization"]);
        Assert.Equal("3", requests[1].Headers["x-api-version"]);
        Assert.StartsWith("application/vnd.api+json", requests[1].Headers["Content-Type"]);
        Assert.Equal(time.GetUtcNow(), requests[1].ReceivedAt);
        Assert.Equal(200, requests[2].Status);
        Assert.Equal(2, server.State.CountRequests("PUT"));
        Assert.Equal(1, server.State.CountRequests("put", "/access_tokens/312"));
        Assert.Equal(0, server.State.CountRequests("DELETE"));
    }

    [Fact]
    public async Task Request_ids_are_unique()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        var ids = new List<string?>();

        for (var i = 0; i < 5; i++)
        {
            var (response, _) = await SendAsync(client, Get("access_tokens/312"));
            ids.Add(Header(response, "X-Request-Id"));
        }

        Assert.Equal(5, ids.Distinct().Count());
    }

    [Fact]
    public async Task Create_regenerate_and_delete_work_like_DatoCMS()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = Client(server);
        const string create = "{\"data\":{\"type\":\"access_token\",\"attributes\":{\"name\":\"New\",\"can_access_cda\":true,\"can_access_cda_preview\":false,\"can_access_cma\":false},\"relationships\":{\"role\":{\"data\":{\"type\":\"role\",\"id\":\"36\"}}}}}";

        var (created, createdBody) = await SendAsync(client, Request(HttpMethod.Post, "access_tokens", create));
        var id = createdBody.RootElement.GetProperty("data").GetProperty("id").GetString()!;
        var secret = server.State.GetToken(id)!.Token;
        var (regenerated, _) = await SendAsync(client, Request(HttpMethod.Post, $"access_tokens/{id}/regenerate_token"));
        var newSecret = server.State.GetToken(id)!.Token;
        var (deleted, _) = await SendAsync(client, Request(HttpMethod.Delete, "access_tokens/" + id));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(200, (int)regenerated.StatusCode);
        Assert.NotEqual(secret, newSecret);
        Assert.Equal(200, (int)deleted.StatusCode);
        Assert.Null(server.State.GetToken(id));
    }
}
