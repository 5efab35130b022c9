using System.Globalization;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Xunit.Abstractions;

namespace AccessTokenGateway.Tests.Grants;

/// <summary>
/// Bad luck at expiry, on the real clock: DatoCMS down for a full minute when the revert comes. The revert must keep
/// coming back (never parked in the poison queue) and end the grant soon after DatoCMS is back. This test takes over a
/// minute by design: the outage it measures is one.
/// </summary>
public sealed class GrantOutageTests(AzuriteFixture storage, ITestOutputHelper output) : GatewayTest(storage)
{
    [Fact]
    public async Task A_grant_whose_revert_meets_a_one_minute_DatoCMS_outage_ends_within_a_minute_after_DatoCMS_is_back()
    {
        var token = GrantTestSupport.Token;
        var grantId = await GrantTestSupport.AuditIdOf(await Gateway.GrantPreviewAsync(token, DateTimeOffset.UtcNow.AddSeconds(2)));
        Gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.ServerError, StatusCode: 503));
        var outageStarted = DateTimeOffset.UtcNow;

        // Throughout the minute, the revert is tried and fails, and is audited so; the grant holds.
        await Gateway.WaitForAuditAsync(r => r.RevertOutcomes(grantId).Count(x => (string?)x["outcome"] == "failed") >= 2, TimeSpan.FromSeconds(40));
        var back = outageStarted.AddMinutes(1);
        await Task.Delay(back - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
        Gateway.Simulator.State.Faults.Clear();
        Assert.True(Gateway.Simulator.State.GetToken(token)!.CanAccessCdaPreview);

        var records = await Gateway.WaitForAuditAsync(r => r.RevertOutcomes(grantId).Any(x => (string?)x["outcome"] == "applied"), TimeSpan.FromSeconds(60));

        var applied = records.RevertOutcomes(grantId).Single(x => (string?)x["outcome"] == "applied");
        var endedAfter = DateTimeOffset.Parse((string)applied["time"]!, CultureInfo.InvariantCulture) - back;
        output.WriteLine($"Revert applied {endedAfter.TotalSeconds:F1} s after DatoCMS came back; {records.RevertOutcomes(grantId).Count(x => (string?)x["outcome"] == "failed")} failed attempts before");
        Assert.True(endedAfter < TimeSpan.FromMinutes(1), $"ended {endedAfter} after DatoCMS was back");
        Assert.False(Gateway.Simulator.State.GetToken(token)!.CanAccessCdaPreview);
        Assert.DoesNotContain(records.RevertOutcomes(grantId), x => (string?)x["outcome"] == "gave_up");
        Assert.Null((await Gateway.RevertPoisonQueue.PeekMessageAsync()).Value);
        Assert.Empty(await Gateway.GrantsAsync());
    }
}
