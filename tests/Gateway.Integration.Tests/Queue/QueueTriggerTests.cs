using System.Text;
using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;

namespace AccessTokenGateway.Tests.Queue;

/// <summary>The queue path, end to end: Azurite, the WebJobs listener the Functions host runs, the same function class.</summary>
public sealed class QueueTriggerTests(AzuriteFixture storage) : GatewayTest(storage)
{
    private static JsonObject Rename(string name) =>
        Documents.Update(Seed.EditableTokenId, name: name).WithMeta(new JsonObject { ["requested_by"] = "hr-offboarding" });

    public static TheoryData<string> Envelopes() => ["none", "cloudevents", "cloudevents-base64", "eventgrid"];

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task Change_in_each_envelope_is_applied_and_audited(string envelope)
    {
        var name = "Via " + envelope;
        var document = Rename(name);
        JsonNode message = envelope switch
        {
            "none" => document,
            "cloudevents" => new JsonObject
            {
                ["specversion"] = "1.0", ["type"] = "com.contoso.access-token.change-requested", ["source"] = "/hr", ["id"] = "evt-" + envelope,
                ["datacontenttype"] = "application/vnd.api+json", ["data"] = document,
            },
            "cloudevents-base64" => new JsonObject
            {
                ["specversion"] = "1.0", ["type"] = "com.contoso.access-token.change-requested", ["source"] = "/hr", ["id"] = "evt-" + envelope,
                ["data_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(document.ToJsonString())),
            },
            _ => new JsonObject
            {
                ["id"] = "evt-" + envelope, ["eventType"] = "Contoso.AccessToken.ChangeRequested", ["subject"] = "access_tokens/312",
                ["eventTime"] = "2026-11-27T10:00:00Z", ["dataVersion"] = "1", ["data"] = document,
            },
        };

        await Gateway.ChangeQueue.SendMessageAsync(message.ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["outcome"] is not null));
        var outcome = Assert.Single(records, r => r["outcome"] is not null);
        Assert.Equal("applied", (string?)outcome["outcome"]);
        Assert.Equal("queue", (string?)outcome["source"]);
        Assert.Equal(name, (string?)outcome["after"]!["name"]);
        if (envelope != "none") Assert.Equal("evt-" + envelope, (string?)outcome["correlation_id"]);
        Assert.Equal(name, Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("{\"data\":{\"type\":\"access_token\",\"id\":\"312\",\"attributes\":[]}}")]
    [InlineData("{\"specversion\":\"1.0\",\"type\":\"x\",\"source\":\"/x\",\"id\":\"1\"}")]
    [InlineData("{\"data\":{\"type\":\"access_token\",\"id\":\"\\ud800\"}}")]
    public async Task Unusable_message_is_audited_as_rejected_once_and_never_retried_or_poisoned(string text)
    {
        await Gateway.ChangeQueue.SendMessageAsync(text);

        var records = await Gateway.WaitForAuditAsync(r => r.Count > 0);
        var record = Assert.Single(records);
        Assert.Equal("rejected", (string?)record["outcome"]);
        Assert.Equal(1, (int)record["attempt"]!);
        Assert.Empty(Gateway.Simulator.State.Requests);
        // The message was completed: nothing is left to retry, and nothing went to poison.
        Assert.Null((await Gateway.ChangeQueue.PeekMessageAsync()).Value);
        Assert.Null((await Gateway.PoisonQueue.PeekMessageAsync()).Value);
        Assert.Single(await Gateway.AuditRecordsAsync());
    }

    [Fact]
    public async Task Queue_change_that_grants_access_is_refused_by_policy_and_completed()
    {
        var grant = Documents.Update(Seed.EditableTokenId, cma: true).WithMeta(new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob" });

        await Gateway.ChangeQueue.SendMessageAsync(grant.ToJsonString());

        var record = Assert.Single(await Gateway.WaitForAuditAsync(r => r.Count > 0));
        Assert.Equal("POLICY_QUEUE_MAY_NOT_GRANT", (string?)record["error"]!["code"]);
        Assert.Equal(0, Gateway.Simulator.State.CountRequests("PUT"));
    }

    [Fact]
    public async Task DatoCMS_503_twice_then_200_is_retried_and_applied_once_audited_once_as_applied()
    {
        Gateway.Simulator.State.Faults.Add(new Fault(FaultKind.ServerError, Count: 2, StatusCode: 503, Method: "PUT"));

        await Gateway.ChangeQueue.SendMessageAsync(Rename("After two 503s").ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => x["outcome"] is not null));
        var outcome = Assert.Single(records, r => r["outcome"] is not null);
        Assert.Equal("applied", (string?)outcome["outcome"]);
        Assert.True((int)outcome["upstream_attempts"]! >= 3);
        Assert.Equal(["503", "503", "200"], Gateway.Simulator.State.Requests.Where(r => r.Method == "PUT").Select(r => r.Status.ToString()));
        Assert.Equal("After two 503s", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Fact]
    public async Task DatoCMS_failing_every_time_sends_the_message_to_poison_with_its_last_attempt_audited_as_given_up()
    {
        Gateway.Simulator.State.Faults.SetPersistent(new Fault(FaultKind.ServerError, StatusCode: 500));

        await Gateway.ChangeQueue.SendMessageAsync(Rename("Never applied").ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["outcome"] == "gave_up"), TimeSpan.FromSeconds(90));
        var outcomes = records.Where(r => r["outcome"] is not null).ToList();
        Assert.Equal(["failed", "failed", "failed", "failed", "gave_up"], outcomes.Select(r => (string?)r["outcome"]));
        Assert.Equal([1, 2, 3, 4, 5], outcomes.Select(r => (int)r["attempt"]!));
        var poisoned = await WaitForMessageAsync(Gateway.PoisonQueue);
        Assert.Contains("Never applied", poisoned);
        Assert.Equal("Read-only API token", Gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Fact]
    public async Task A_gateway_with_its_queue_functions_disabled_takes_no_message_from_another_on_the_same_storage()
    {
        // As on the Functions host: AzureWebJobs.<function>.Disabled. A second gateway polling the same queue would take
        // about half the messages (the collection's shared gateway once took a test's change and applied it elsewhere).
        await using var disabled = await StartGatewayAsync(o => o.StartQueueListener = false);
        var names = Enumerable.Range(1, 4).Select(i => $"Taken by the enabled gateway {i}").ToList();

        foreach (var name in names) await Gateway.ChangeQueue.SendMessageAsync(Rename(name).ToJsonString());

        var records = await Gateway.WaitForAuditAsync(r => r.Count(x => x["outcome"] is not null) >= names.Count);
        var outcomes = records.Where(r => r["outcome"] is not null).ToList();
        Assert.All(outcomes, r => Assert.Equal(("applied", 1), ((string?)r["outcome"], (int)r["attempt"]!)));
        Assert.Equal(names.Order(StringComparer.Ordinal), outcomes.Select(r => (string?)r["after"]!["name"]).Order(StringComparer.Ordinal));
        Assert.Empty(disabled.Simulator.State.Requests);
    }

    private static async Task<string> WaitForMessageAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if ((await queue.PeekMessageAsync()).Value is { } message) return message.Body.ToString();
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No message on " + queue.Name);
            await Task.Delay(100);
        }
    }
}
