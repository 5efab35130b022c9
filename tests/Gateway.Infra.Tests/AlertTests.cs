using System.Text.Json;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>
/// The alert rules in infra/core/monitor/alerts.bicep, compiled: one per failure an on-call engineer must act on, each
/// querying the Application Insights component, all to one action group fed by the e-mail / webhook parameters. A rule
/// that matches a log line or a metric is checked against the code that writes it, so renaming either breaks the build.
/// </summary>
public sealed class AlertTests
{
    private static readonly ArmTemplate.Resource Rules = ArmTemplate.Main.Single("Microsoft.Insights/scheduledQueryRules");

    /// <summary>The rules as the module declares them (the resource is a copy loop over this variable).</summary>
    private static IReadOnlyList<JsonElement> Declared =>
        Rules.Scope.Template.GetProperty("variables").GetProperty("rules").EnumerateArray().ToList();

    private static JsonElement Rule(string key) => Declared.Single(r => r.GetProperty("key").GetString() == key);

    private static string Query(string key) => Rule(key).GetProperty("query").GetString()!;

    private static string Source(string relativePath) => File.ReadAllText(Path.Combine(Repository.Root, relativePath));

    [Fact]
    public void There_is_a_rule_for_each_failure_the_gateway_must_page_for()
    {
        Assert.Equal(
            ["change-queue-backlog", "datocms-refuses-gateway-token", "grant-overdue", "outcome-record-missing", "poison-queue-not-empty", "server-errors"],
            Declared.Select(r => r.GetProperty("key").GetString()).Order());
        Assert.Equal("[length(variables('rules'))]", Rules.Element.GetProperty("copy").GetProperty("count").GetString());
    }

    [Fact]
    public void Every_rule_queries_the_app_insights_component_every_five_minutes_and_notifies_the_action_group()
    {
        var properties = Rules.Properties;
        Assert.True(properties.GetProperty("enabled").GetBoolean());
        Assert.Equal("PT5M", properties.GetProperty("evaluationFrequency").GetString());
        var scope = Assert.Single(properties.GetProperty("scopes").EnumerateArray().ToList());
        Assert.Equal("[parameters('applicationInsightsId')]", scope.GetString());
        var module = ArmTemplate.Main.Resources.Single(r => r.Type == "Microsoft.Resources/deployments" && r.Name == "alerts");
        Assert.Contains("monitoring", module.ModuleArgument("applicationInsightsId").GetString(), StringComparison.Ordinal);
        var actionGroup = Assert.Single(properties.GetProperty("actions").GetProperty("actionGroups").EnumerateArray().ToList());
        Assert.Contains("Microsoft.Insights/actionGroups", actionGroup.GetString(), StringComparison.Ordinal);
        var criterion = Assert.Single(properties.GetProperty("criteria").GetProperty("allOf").EnumerateArray().ToList());
        Assert.Equal(("Count", "GreaterThan"), (criterion.GetProperty("timeAggregation").GetString(), criterion.GetProperty("operator").GetString()));
    }

    [Fact]
    public void The_action_group_mails_and_posts_to_what_the_parameters_name_and_the_webhook_url_is_secure()
    {
        var group = ArmTemplate.Main.Single("Microsoft.Insights/actionGroups");
        Assert.Contains("alertEmail", group.Properties.GetProperty("emailReceivers").GetString(), StringComparison.Ordinal);
        Assert.Contains("alertWebhookUrl", group.Properties.GetProperty("webhookReceivers").GetString(), StringComparison.Ordinal);
        var main = ArmTemplate.Main.Root.GetProperty("parameters");
        Assert.Equal("securestring", main.GetProperty("alertWebhookUrl").GetProperty("type").GetString());
        Assert.Equal("string", main.GetProperty("alertEmail").GetProperty("type").GetString());
        var parameters = Source("infra/main.parameters.json");
        Assert.Contains("\"alertEmail\"", parameters, StringComparison.Ordinal);
        Assert.Contains("\"alertWebhookUrl\"", parameters, StringComparison.Ordinal);
    }

    [Fact]
    public void The_missing_outcome_rule_matches_the_pipelines_critical_line()
    {
        Assert.Contains("severityLevel == 4", Query("outcome-record-missing"), StringComparison.Ordinal);
        Assert.Contains("was applied but its outcome record could not be written", Source("src/Gateway.Core/Changes/ChangePipeline.cs"), StringComparison.Ordinal);
        Assert.Contains("was applied but its outcome record could not be written", Query("outcome-record-missing"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_overdue_grant_rule_matches_the_sweepers_critical_line()
    {
        Assert.Contains("is still not reverted", Source("src/Gateway.Core/Grants/GrantSweeper.cs"), StringComparison.Ordinal);
        Assert.Contains("is still not reverted", Query("grant-overdue"), StringComparison.Ordinal);
        Assert.Contains("severityLevel == 4", Query("grant-overdue"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_poison_and_backlog_rules_read_the_gauges_the_backlog_observer_records_for_the_right_queues()
    {
        var metrics = Source("src/Gateway.Core/Diagnostics/GatewayMetrics.cs");
        Assert.Contains("\"gateway.queue.length\"", metrics, StringComparison.Ordinal);
        Assert.Contains("\"gateway.queue.oldest_message_age\"", metrics, StringComparison.Ordinal);
        Assert.Contains("name == \"gateway.queue.length\"", Query("poison-queue-not-empty"), StringComparison.Ordinal);
        Assert.Contains("== \"access-token-changes-poison\"", Query("poison-queue-not-empty"), StringComparison.Ordinal);
        // The threshold is N minutes of the parameter, in the gauge's unit (seconds).
        Assert.Contains("gateway.queue.oldest_message_age", Query("change-queue-backlog"), StringComparison.Ordinal);
        Assert.Contains("mul(parameters('queueAgeMinutes'), 60)", Query("change-queue-backlog"), StringComparison.Ordinal);
        Assert.Contains("== \"access-token-changes\" and", Query("change-queue-backlog"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_refusal_rule_counts_changes_that_ended_with_either_code()
    {
        Assert.Contains("name == \"gateway.changes\"", Query("datocms-refuses-gateway-token"), StringComparison.Ordinal);
        Assert.Contains("\"CMA_TOKEN_REJECTED\"", Query("datocms-refuses-gateway-token"), StringComparison.Ordinal);
        Assert.Contains("\"CMA_TOKEN_FORBIDDEN\"", Query("datocms-refuses-gateway-token"), StringComparison.Ordinal);
        Assert.Contains("new(\"code\"", Source("src/Gateway.Core/Diagnostics/ChangeTelemetry.cs"), StringComparison.Ordinal);
        var codes = Source("src/Gateway.Core/JsonApi/ErrorCodes.cs");
        Assert.Contains("\"CMA_TOKEN_REJECTED\"", codes, StringComparison.Ordinal);
        Assert.Contains("\"CMA_TOKEN_FORBIDDEN\"", codes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_5xx_rule_fires_above_the_threshold_parameter()
    {
        Assert.Contains("toint(resultCode) >= 500", Query("server-errors"), StringComparison.Ordinal);
        Assert.Equal("[parameters('serverErrorThreshold')]", Rule("server-errors").GetProperty("threshold").GetString());
    }

    [Fact]
    public void A_workbook_charts_the_meter_on_the_app_insights_component()
    {
        var workbook = ArmTemplate.Main.Single("Microsoft.Insights/workbooks");
        Assert.Equal("shared", workbook.Element.GetProperty("kind").GetString());
        var charts = string.Join('\n', workbook.Scope.Template.GetProperty("variables").GetProperty("charts").EnumerateArray().Select(c => c.GetProperty("query").GetString()));
        foreach (var metric in new[] { "gateway.changes", "gateway.datocms.requests", "gateway.datocms.rate_limited", "gateway.datocms.pacer.wait", "gateway.lock.wait", "gateway.audit.write", "gateway.grants", "gateway.queue.oldest_message_age" })
            Assert.Contains($"\"{metric}\"", charts, StringComparison.Ordinal);
    }
}
