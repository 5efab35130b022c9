using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Examples;

/// <summary>
/// examples/github-actions cannot rot: its signing client is run against the local stack exactly as the workflow runs
/// it, against a gateway configured as docs/deploy.md says (signatures required, the signer trusted with approvals),
/// and the workflow is checked to call the client with options the client has.
/// </summary>
public sealed partial class GitHubActionsExampleTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private static readonly string Example = Path.Combine(RepoPaths.Root, "examples", "github-actions");

    private const string SenderSecret = "github-actions-own-signing-secret-5e8d1c3b7a";

    /// <summary>As docs/deploy.md sets it up: the workflow is a named sender with its own secret, and only it may approve.</summary>
    protected override void Configure(HarnessOptions options)
    {
        Signing.Require(options);
        options.Settings["Signatures:Senders"] = "github-actions";
        options.Settings["Signatures:DevelopmentSenderSecrets:github-actions"] = SenderSecret;
        options.Settings["Approvals:TrustedCallers:0"] = "signer:github-actions";
    }

    private async Task<(int ExitCode, string Output)> SendChangeAsync(string requestedBy, string approvedBy, bool dryRun = false, bool sharedSecret = false)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["GATEWAY_FUNCTION_KEY"] = GatewayHarness.FunctionKey;
        start.Environment["GATEWAY_SIGNING_SECRET"] = sharedSecret ? Signing.Secret : SenderSecret;
        start.Environment["GATEWAY_SENDER"] = sharedSecret ? "" : "github-actions";
        string[] args =
        [
            Path.Combine("examples", "github-actions", "send-change.mjs"), "--url", Gateway.BaseUrl.ToString(), "--token-id", Seed.EditableTokenId,
            "--name", "Read-only API token", "--cda", "true", "--preview", "true", "--cma", "false", "--role", Seed.EditorRoleId,
            "--requested-by", requestedBy, "--approved-by", approvedBy, "--reason", "Preview for the launch", "--ticket", "CHG-1042",
            "--expected", """{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}""",
        ];
        foreach (var arg in dryRun ? [.. args, "--dry-run"] : args) start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task The_signing_client_sends_an_approved_change_that_is_applied_and_audited_with_both_people()
    {
        var (exit, output) = await SendChangeAsync("octocat", "hubot");

        Assert.True(exit == 0, output);
        Assert.Equal("applied", (string?)JsonNode.Parse(output)!["outcome"]);
        Assert.True(Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.CanAccessCdaPreview);
        var outcome = Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["kind"] == "outcome");
        Assert.Equal(("octocat", "hubot", "signer", "github-actions"),
            ((string?)outcome["requested_by"], (string?)outcome["approved_by"], (string?)outcome["caller"]!["kind"], (string?)outcome["caller"]!["id"]));
    }

    [Fact]
    public async Task A_self_approval_sent_by_the_client_is_refused()
    {
        var (exit, output) = await SendChangeAsync("octocat", "OctoCat");

        Assert.Equal(1, exit);
        Assert.Equal("POLICY_APPROVAL_REQUIRED", (string?)JsonNode.Parse(output)!["code"]);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task Another_sender_holding_only_the_shared_secret_cannot_approve()
    {
        var (exit, output) = await SendChangeAsync("octocat", "hubot", sharedSecret: true);

        Assert.Equal(1, exit);
        Assert.Equal("POLICY_APPROVER_NOT_TRUSTED", (string?)JsonNode.Parse(output)!["code"]);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task A_dry_run_from_the_client_changes_nothing()
    {
        var (exit, output) = await SendChangeAsync("octocat", "hubot", dryRun: true);

        Assert.True(exit == 0, output);
        Assert.Equal("dry_run", (string?)JsonNode.Parse(output)!["outcome"]);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public void The_workflow_waits_for_a_reviewer_and_calls_the_client_with_options_it_has()
    {
        var workflow = File.ReadAllText(Path.Combine(Example, "token-change.yml"));
        var client = File.ReadAllText(Path.Combine(Example, "send-change.mjs"));

        Assert.Matches(@"(?m)^\s+environment: token-approvals\s*$", workflow);
        Assert.Contains("node examples/github-actions/send-change.mjs", workflow, StringComparison.Ordinal);
        var declared = ClientOption().Matches(client).Select(m => m.Groups["name"].Value).ToHashSet();
        var used = WorkflowOption().Matches(workflow).Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(used);
        Assert.All(used, option => Assert.Contains(option, declared));
        // Workflow inputs reach the shell through env, never pasted into a script (script injection).
        Assert.DoesNotMatch(@"run: \|[^\n]*\n(\s{10}[^\n]*\n)*?\s{10}[^\n]*\$\{\{\s*(inputs|github\.event)", workflow);
    }

    [GeneratedRegex(@"""?(?<name>[a-z][a-z-]+)""?: \{ type: ""(string|boolean)""")]
    private static partial Regex ClientOption();

    [GeneratedRegex(@"--(?<name>[a-z][a-z-]+) ""\$")]
    private static partial Regex WorkflowOption();
}
