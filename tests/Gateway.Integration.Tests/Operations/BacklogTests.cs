using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Tests.Grants;
using AccessTokenGateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Tests.Operations;

/// <summary>
/// What waits, measured against Azurite: the change queue's oldest message age, the poison queue's length and the
/// grants in force, recorded on the gauges the alerts read; and the local host's logs, where the Azure SDK's
/// request lines stay out below Warning while the one line per change stays.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class BacklogTests(AzuriteFixture storage) : IAsyncLifetime
{
    public Task InitializeAsync() => storage.ResetQueuesAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_observer_reports_the_oldest_waiting_change_the_poison_queue_and_grants_on_its_gauges()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.StartQueueListener = false);
        var grant = await gateway.GrantPreviewAsync(GrantTestSupport.Token, DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(System.Net.HttpStatusCode.OK, grant.StatusCode);
        await gateway.ChangeQueue.SendMessageAsync("{}");
        await gateway.PoisonQueue.SendMessageAsync("{}");
        await gateway.PoisonQueue.SendMessageAsync("{}");
        using var meters = new MeterRecorder();

        var backlog = await gateway.Services.GetRequiredService<BacklogObserver>().ObserveAsync(CancellationToken.None);

        Assert.Equal((1L, 2L, 1, 0), (backlog.ChangesLength, backlog.PoisonLength, backlog.ActiveGrants, backlog.OverdueGrants));
        Assert.InRange(backlog.OldestChangeAgeSeconds!.Value, 0, 120);
        Assert.Contains(meters.Of("gateway.queue.length"), m => (string)m.Tags["queue"]! == "access-token-changes-poison" && m.Value == 2);
        Assert.Contains(meters.Of("gateway.queue.oldest_message_age"), m => (string)m.Tags["queue"]! == "access-token-changes");
        Assert.Contains(meters.Of("gateway.grants"), m => (string)m.Tags["status"]! == "active" && m.Value == 1);
        Assert.Contains(meters.Of("gateway.grants"), m => (string)m.Tags["status"]! == "overdue" && m.Value == 0);
    }

    [Fact]
    public async Task An_empty_change_queue_has_no_age()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage, o => o.StartQueueListener = false);

        var backlog = await gateway.Services.GetRequiredService<BacklogObserver>().ObserveAsync(CancellationToken.None);

        Assert.Equal((0d, 0L, 0L), (backlog.OldestChangeAgeSeconds, backlog.ChangesLength, backlog.PoisonLength));
    }

    [Fact]
    public async Task A_change_logs_its_one_line_and_no_Azure_SDK_request_line()
    {
        await using var gateway = await GatewayHarness.StartAsync(storage);

        var response = await gateway.PutAsync(GrantTestSupport.Token, AccessTokenGateway.Tests.Resilience.ResilienceAudit.Rename(gateway.Simulator, GrantTestSupport.Token, "Quiet logs"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var lines = gateway.Logs.Lines;
        Assert.Single(lines, l => l.Contains("AccessTokenGateway.Changes.ChangePipeline: Change ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Split(' ', 3) is [var level, var category, ..] && category.StartsWith("Azure", StringComparison.Ordinal)
                                           && Enum.Parse<LogLevel>(level) < LogLevel.Warning);
    }
}
