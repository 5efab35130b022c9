using System.Text.Json.Nodes;
using AccessTokenGateway.Changes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Tests.Hosting;

/// <summary>What the Functions host will see of the app: the generated function metadata, host.json and start-up checks.</summary>
public sealed class FunctionsAppTests
{
    internal static JsonArray Metadata() => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();

    [Fact]
    public void Http_function_is_a_function_key_PUT_on_the_CMA_route()
    {
        var function = Metadata().Single(f => (string?)f!["name"] == "UpdateAccessToken")!;
        var trigger = function["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;

        Assert.Equal("Function", (string?)trigger["authLevel"]);
        Assert.Equal(["put"], trigger["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("access_tokens/{id}", (string?)trigger["route"]);
    }

    [Theory]
    [InlineData("ListAccessTokens", "access_tokens")]
    [InlineData("GetAccessToken", "access_tokens/{id}")]
    [InlineData("ListRoles", "roles")]
    [InlineData("GetRole", "roles/{id}")]
    public void Read_functions_are_function_key_GETs_on_the_CMA_routes(string name, string route)
    {
        var trigger = Metadata().Single(f => (string?)f!["name"] == name)!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;

        Assert.Equal(("Function", route), ((string?)trigger["authLevel"], (string?)trigger["route"]));
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => (string?)m));
    }

    [Fact]
    public void Queue_function_listens_on_the_change_queue_through_AzureWebJobsStorage()
    {
        var function = Metadata().Single(f => (string?)f!["name"] == "ApplyQueuedAccessTokenChange")!;
        var trigger = function["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "queueTrigger")!;

        Assert.Equal(QueueNames.Changes, (string?)trigger["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);
    }

    [Fact]
    public void Host_json_retries_queue_messages_as_the_pipeline_expects()
    {
        var queues = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!["extensions"]!["queues"]!;

        // The pipeline audits the last attempt as given up on exactly this dequeue count.
        Assert.Equal(AccessTokenGateway.Functions.Queue.HostJson.OfThisApp.Value.MaxDequeueCount, (int)queues["maxDequeueCount"]!);
        Assert.Equal("base64", (string?)queues["messageEncoding"]);
        // A failed message must not come back inside DatoCMS's 3-second rate-limit window.
        Assert.True(TimeSpan.Parse((string)queues["visibilityTimeout"]!) >= TimeSpan.FromSeconds(3));
    }

    private const string DevelopmentRevertKey = "development-revert-key-0123456789abcdef";

    [Fact]
    public void Revert_function_listens_on_the_reverts_queue_and_the_sweeper_on_a_timer()
    {
        var revert = Metadata().Single(f => (string?)f!["name"] == "RevertExpiredGrant")!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "queueTrigger")!;
        Assert.Equal((QueueNames.GrantReverts, "AzureWebJobsStorage"), ((string?)revert["queueName"], (string?)revert["connection"]));

        var sweep = Metadata().Single(f => (string?)f!["name"] == "SweepExpiredGrants")!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "timerTrigger")!;
        Assert.Equal(AccessTokenGateway.Functions.Grants.GrantSweeperFunction.Schedule, (string?)sweep["schedule"]);

        var list = Metadata().Single(f => (string?)f!["name"] == "ListGrants")!["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;
        Assert.Equal(("Function", "grants"), ((string?)list["authLevel"], (string?)list["route"]));
        Assert.Equal(["get"], list["methods"]!.AsArray().Select(m => (string?)m));
    }

    public static TheoryData<string, Dictionary<string, string?>, bool> StartUpCases() => new()
    {
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/" }, true },
        { "Production", new(), false },                                                                   // no vault: refuse
        { "Production", new() { ["KeyVault:DevelopmentCmaToken"] = "x" }, false },                      // no stand-ins outside Development
        { "Production", new() { ["KeyVault:VaultUri"] = "http://kv-example.vault.azure.net/" }, false }, // not https
        { "Development", new() { ["KeyVault:DevelopmentCmaToken"] = "x", ["Grants:DevelopmentRevertKey"] = DevelopmentRevertKey }, true },
        { "Development", new() { ["KeyVault:DevelopmentCmaToken"] = "x" }, false },                     // no revert key, no vault
        { "Development", new() { ["KeyVault:DevelopmentCmaToken"] = "x", ["Grants:DevelopmentRevertKey"] = "short" }, false },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Grants:DevelopmentRevertKey"] = DevelopmentRevertKey }, false },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Policy:MaxGrantDuration"] = "400.00:00:00" }, false },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Policy:MaxGrantDurationByRole:35"] = "1.00:00:00" }, true },
        { "Development", new(), false },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["DatoCms:BaseUrl"] = "not a url" }, false },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Policy:TicketPattern"] = "([" }, false },
        // As the template sets them (every setting present, lists comma-separated, empty when unused).
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Policy:ProtectedTokenIds"] = "", ["Policy:AllowedRoleIds"] = "",
            ["Policy:TicketPattern"] = "", ["Policy:GatewayTokenId"] = "", ["Approvals:TrustedCallers"] = "", ["Approvals:RequireApproverIsCaller"] = "false" }, true },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Approvals:TrustedCallers"] = "signer:webhook, principal:aad:ci@contoso.com" }, true },
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Approvals:TrustedCallers"] = "webhook" }, false },          // not <kind>:<id>
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Approvals:TrustedCallers:0"] = "anonymous:x" }, false },   // nobody can be trusted as anonymous
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Policy:ProtectedTokenIds"] = "101,0312" }, false },        // a spelling that never matches
        { "Production", new() { ["KeyVault:VaultUri"] = "https://kv-example.vault.azure.net/", ["Policy:GatewayTokenId"] = "+102" }, false },
    };

    [Fact]
    public void A_list_setting_may_be_one_comma_separated_value_as_the_template_sets_it()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["KeyVault:DevelopmentCmaToken"] = "x",
            ["Policy:ProtectedTokenIds"] = "101, 555", ["Policy:AllowedRoleIds:0"] = "34", ["Approvals:TrustedCallers"] = "signer:webhook,function_key:default",
        });
        builder.Services.AddAccessTokenGateway(builder.Configuration);
        using var host = builder.Build();

        var policy = host.Services.GetRequiredService<IOptions<AccessTokenGateway.Policy.PolicyOptions>>().Value;
        var approvals = host.Services.GetRequiredService<IOptions<AccessTokenGateway.Policy.ApprovalsOptions>>().Value;
        Assert.Equal(["101", "555"], policy.ProtectedTokenIds);
        Assert.Equal(["34"], policy.AllowedRoleIds);
        Assert.Equal(["signer:webhook", "function_key:default"], approvals.TrustedCallers);
    }

    [Theory]
    [MemberData(nameof(StartUpCases))]
    public async Task Settings_are_validated_once_at_start_up(string environment, Dictionary<string, string?> settings, bool starts)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAccessTokenGateway(builder.Configuration);
        using var host = builder.Build();

        var start = Record.ExceptionAsync(() => host.StartAsync());
        var error = await start;
        if (starts)
        {
            Assert.Null(error);
            await host.StopAsync();
        }
        else
        {
            // Several options classes may each refuse: the host then reports them together.
            var refusals = error is AggregateException all ? all.InnerExceptions.ToList() : [error];
            Assert.NotEmpty(refusals);
            Assert.All(refusals, e => Assert.IsType<OptionsValidationException>(e));
        }
    }
}
