using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>
/// Grants over days, on a fake clock: the gateway's <see cref="TimeProvider"/> is moved, and the sweeper — which the
/// Functions host runs every 30 seconds — is called as its timer would. Azurite keeps real time, so the revert
/// message of a long grant stays invisible here: what ends these grants is the registry, as it must when a message is
/// lost. The per-role maximum is 1 day for the Admin role.
/// </summary>
public sealed class GrantClockTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected override void Configure(HarnessOptions options)
    {
        options.TimeProvider = _time;
        options.Settings["Policy:MaxGrantDurationByRole:" + Seed.AdminRoleId] = "1.00:00:00";
    }

    private static string Token => GrantTestSupport.Token;

    [Fact]
    public async Task A_30_day_grant_is_accepted_and_ends_when_its_time_comes()
    {
        var expiresAt = _time.GetUtcNow().AddDays(30);
        var response = await Gateway.GrantPreviewAsync(Token, expiresAt);
        var grantId = await GrantTestSupport.AuditIdOf(response);
        Assert.Equal(GrantTestSupport.Rfc3339(expiresAt), (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["meta"]!["revert_at"]);
        Assert.Equal(1, await GrantTestSupport.VisibleAndInvisibleAsync(Gateway.RevertQueue));   // its first hop: the queue's 7 days at most

        _time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, (await Gateway.Sweeper().SweepAsync(CancellationToken.None)).Due);
        Assert.True(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var sweep = await Gateway.Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(1, sweep.Ended);
        Assert.False(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        var revert = (await Gateway.AuditRecordsAsync()).RevertOutcomes(grantId).Single();
        Assert.Equal(("applied", "grant-sweeper"), ((string?)revert["outcome"], (string?)revert["caller"]!["id"]));
        Assert.Empty(await Gateway.GrantsAsync());
    }

    [Fact]
    public async Task A_grant_over_the_maximum_is_refused_and_the_roles_own_maximum_applies()
    {
        var puts = Gateway.Simulator.State.CountRequests("PUT");

        var tooLong = await Gateway.GrantPreviewAsync(Token, _time.GetUtcNow().AddDays(31));
        var adminTooLong = await Gateway.ChangeAsync(Token, s => s with { RoleId = Seed.AdminRoleId }, _time.GetUtcNow().AddDays(2));

        foreach (var response in new[] { tooLong, adminTooLong })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!;
            Assert.Equal(("POLICY_GRANT_TOO_LONG", "meta.expires_at"), ((string?)error["code"], (string?)error["details"]!["field"]));
        }
        Assert.Equal(puts, Gateway.Simulator.State.CountRequests("PUT"));
        Assert.Empty(await Gateway.GrantsAsync());
        Assert.Equal(HttpStatusCode.OK, (await Gateway.ChangeAsync(Token, s => s with { RoleId = Seed.AdminRoleId }, _time.GetUtcNow().AddHours(12))).StatusCode);
    }

    [Fact]
    public async Task A_grant_whose_revert_message_was_deleted_is_ended_by_the_sweeper_and_reported_overdue()
    {
        var grantId = await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, _time.GetUtcNow().AddMinutes(10)));
        await Gateway.RevertQueue.ClearMessagesAsync();   // lost: deleted, or poisoned and expired

        _time.Advance(TimeSpan.FromMinutes(12));
        var listed = JsonNode.Parse(await Gateway.Client.GetStringAsync("grants?token_id=" + Token))!["data"]!.AsArray().Single()!;
        Assert.Equal("overdue", (string?)listed["attributes"]!["status"]);
        var sweep = await Gateway.Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(1, sweep.Ended);
        Assert.False(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);
        var records = await Gateway.AuditRecordsAsync();
        var overdue = records.Single(r => (string?)r["outcome"] == "revert_overdue");
        Assert.Equal((grantId, Token, "alert"), ((string?)overdue["correlation_id"], (string?)overdue["token_id"], (string?)overdue["kind"]));
        Assert.Equal("applied", (string?)records.RevertOutcomes(grantId).Single()["outcome"]);
        Assert.Contains(Gateway.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains(grantId, StringComparison.Ordinal));
        // Swept again: nothing more to do, nothing reported twice.
        Assert.Equal(0, (await Gateway.Sweeper().SweepAsync(CancellationToken.None)).Due);
        Assert.Single(await Gateway.AuditRecordsAsync(), r => (string?)r["outcome"] == "revert_overdue");
    }

    [Fact]
    public async Task Re_requesting_an_active_grant_replaces_its_expiry_and_a_revocation_ends_it()
    {
        var first = await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, _time.GetUtcNow().AddHours(8)));
        // Shorter: the token does not change, the grant does (once answered no_change, keeping the old expiry).
        var shorter = await Gateway.GrantPreviewAsync(Token, _time.GetUtcNow().AddHours(1));
        var second = await GrantTestSupport.AuditIdOf(shorter);
        var grant = Assert.Single(await Gateway.GrantsAsync(Token));
        Assert.Equal((second, _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds()), (grant.GrantId, grant.ExpiresAt.ToUnixTimeSeconds()));
        Assert.NotEqual(first, second);

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await Gateway.Sweeper().SweepAsync(CancellationToken.None)).Ended);
        Assert.False(Gateway.Simulator.State.GetToken(Token)!.CanAccessCdaPreview);

        // A grant revoked before its time is over: nothing is left to revert.
        await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(Token, _time.GetUtcNow().AddHours(1)));
        Assert.Equal(HttpStatusCode.OK, (await Gateway.ChangeAsync(Token, s => s with { CanAccessCdaPreview = false }, null)).StatusCode);
        Assert.Empty(await Gateway.GrantsAsync(Token));
    }

    [Fact]
    public async Task A_later_approved_permanent_change_of_the_field_ends_the_timer()
    {
        await GrantTestSupport.AuditIdOf(await Gateway.ChangeAsync(Token, s => s with { RoleId = Seed.AdminRoleId }, _time.GetUtcNow().AddHours(2)));
        Assert.Equal(HttpStatusCode.OK, (await Gateway.ChangeAsync(Token, s => s with { RoleId = Seed.ViewerRoleId }, null)).StatusCode);
        Assert.Empty(await Gateway.GrantsAsync(Token));

        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, (await Gateway.Sweeper().SweepAsync(CancellationToken.None)).Due);
        Assert.Equal(Seed.ViewerRoleId, Gateway.Simulator.State.GetToken(Token)!.RoleId);
    }

    [Fact]
    public async Task The_local_host_runs_the_sweeper_on_its_timer()
    {
        await using var gateway = await StartGatewayAsync(o =>
        {
            o.TimeProvider = _time;
            o.RunTimers = true;
            o.Settings["LocalHost:Timers:Interval"] = "00:00:30";
        });
        var grantId = await GrantTestSupport.AuditIdOf(await gateway.GrantPreviewAsync(Token, _time.GetUtcNow().AddMinutes(1)));
        await gateway.RevertQueue.ClearMessagesAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await gateway.AuditRecordsAsync()).RevertOutcomes(grantId).Any() && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(100);
        }

        Assert.Equal("applied", (string?)(await gateway.AuditRecordsAsync()).RevertOutcomes(grantId).Single()["outcome"]);
        Assert.Equal("grant-sweeper", (string?)(await gateway.AuditRecordsAsync()).RevertOutcomes(grantId).Single()["caller"]!["id"]);
    }
}
