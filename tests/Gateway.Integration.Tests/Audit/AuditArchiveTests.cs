using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Tests.Resilience;
using AccessTokenGateway.Tests.Support;
using AccessTokenGateway.Tokens;
using AccessTokenGateway.Validation;
using DatoCmsSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>The audit trail as its readers and an attacker meet it: no expiry, the archive, the reconciler, the read API.</summary>
public sealed class AuditArchiveTests(AzuriteFixture storage) : GatewayTest(storage)
{
    [Fact]
    public async Task Every_message_the_gateway_writes_on_every_queue_never_expires()
    {
        // The audit writer: an applied change's intent and outcome. The revert writer: a grant's scheduled revert, due now
        // on the reverts queue (a later one would be invisible to a peek), sent after the gateway stopped, whose own
        // listener would otherwise take it at once.
        var response = await Gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Never expires").ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reverts = new AccessTokenGateway.Grants.QueueRevertQueue(new Azure.Storage.Queues.QueueServiceClient(Storage.ConnectionString,
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 }),
            new AccessTokenGateway.Secrets.StaticSecret(GatewayHarness.RevertKey), TimeProvider.System);
        await Gateway.Host.StopAsync();
        await reverts.SendAsync(new AccessTokenGateway.Grants.RevertMessage("grant-audit-id", "313", DateTimeOffset.UtcNow, "nonce-1", 0), DateTimeOffset.UtcNow, default);

        var audit = (await Gateway.AuditQueue.PeekMessagesAsync(32)).Value;
        var changes = (await Storage.Queue(QueueNames.GrantReverts).PeekMessagesAsync(32)).Value;
        Assert.Equal(2, audit.Length);
        Assert.Single(changes);
        Assert.All(audit.Concat(changes), m => Assert.Equal(9999, m.ExpiresOn!.Value.Year));
    }

    [Fact]
    public async Task Get_audit_lists_a_tokens_records_newest_first_in_pages_and_refuses_without_a_key()
    {
        var first = await Gateway.PutAsync(Seed.EditableTokenId, ResilienceAudit.Rename(Gateway.Simulator, Seed.EditableTokenId, "Audit API one"));
        var other = await Gateway.PutAsync(Seed.SecondEditableTokenId, ResilienceAudit.Rename(Gateway.Simulator, Seed.SecondEditableTokenId, "Audit API other"));
        var second = await Gateway.PutAsync(Seed.EditableTokenId, ResilienceAudit.Rename(Gateway.Simulator, Seed.EditableTokenId, "Audit API two"));
        var since = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var ids = new[] { first, other, second }.Select(r => r.Headers.GetValues("X-Audit-Id").Single()).ToList();

        var page = await GetAsync($"audit?token_id={Seed.EditableTokenId}&since={since}");
        var mine = page["data"]!.AsArray().Select(r => r!.AsObject()).Where(r => ids.Contains((string)r["audit_id"]!)).ToList();
        Assert.Equal([(ids[2], "outcome"), (ids[2], "intent"), (ids[0], "outcome"), (ids[0], "intent")],
            mine.Select(r => ((string)r["audit_id"]!, (string)r["kind"]!)));
        Assert.All(page["data"]!.AsArray(), r => Assert.Equal(Seed.EditableTokenId, (string?)r!["token_id"]));
        Assert.Equal("Audit API two", (string?)mine[0]["after"]!["name"]);

        // Paging: one at a time, newest first, the cursor carrying on exactly where the last page ended.
        var walked = new List<string>();
        var query = $"audit?token_id={Seed.EditableTokenId}&outcome=applied&since={since}&page[limit]=1";
        for (var cursor = ""; walked.Count < 10;)
        {
            var one = await GetAsync(query + cursor);
            walked.AddRange(one["data"]!.AsArray().Select(r => (string)r!["audit_id"]!));
            if ((string?)one["meta"]!["next_cursor"] is not { } next) break;
            cursor = "&page[cursor]=" + next;
        }
        Assert.Equal([ids[2], ids[0]], walked.Where(ids.Contains));

        // No key: the host's empty 401. A wrong parameter: a 400 naming it.
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseUrl };
        var refused = await anonymous.GetAsync($"audit?token_id={Seed.EditableTokenId}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(await refused.Content.ReadAsStringAsync());
        var invalid = await Gateway.Client.GetAsync("audit?token_id=../etc");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("token_id", (string?)JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["data"]![0]!["attributes"]!["details"]!["field"]);
    }

    [Fact]
    public async Task A_host_stopped_between_the_PUT_and_the_outcome_ends_with_the_outcome_reconciled_under_the_original_audit_id()
    {
        // The fault hook: this host's outcome records never land, as when it stops right after the PUT.
        await using var stopping = await StartGatewayAsync(o =>
        {
            o.SharedSimulator = Gateway.Simulator;
            o.Services = services => StopsBeforeOutcome.Install(services);
        });
        var response = await stopping.PutAsync(Seed.EditableTokenId, ResilienceAudit.Rename(Gateway.Simulator, Seed.EditableTokenId, "Applied, then the host stopped"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var auditId = response.Headers.GetValues("X-Audit-Id").Single();
        await stopping.Host.StopAsync();

        // A PUT whose answer never came, on the running gateway: recorded as unknown; DatoCMS did not apply it.
        Gateway.Simulator.State.Faults.Add(new Fault(FaultKind.DropConnection, Count: 4, Method: "PUT"));
        var lost = await Gateway.PutAsync(Seed.SecondEditableTokenId, ResilienceAudit.Rename(Gateway.Simulator, Seed.SecondEditableTokenId, "Never arrived"));
        Assert.Equal(HttpStatusCode.BadGateway, lost.StatusCode);
        var lostId = lost.Headers.GetValues("X-Audit-Id").Single();
        Assert.Equal("unknown", (await Gateway.OutcomeAsync(lost)).Outcome());

        var archived = await Gateway.ArchiveRecordsAsync();
        Assert.Equal(["intent"], archived.Where(r => (string?)r["audit_id"] == auditId).Select(r => (string?)r["kind"]));

        // The reconciler, driven directly on a fake clock: too early, it leaves both alone; five minutes on, it settles them.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reconciler = Reconciler(Gateway, clock);
        Assert.DoesNotContain(auditId, await reconciler.RunOnceAsync(default));
        clock.Advance(TimeSpan.FromMinutes(6));
        var settled = await reconciler.RunOnceAsync(default);
        Assert.Contains(auditId, settled);
        Assert.Contains(lostId, settled);
        Assert.DoesNotContain(auditId, await reconciler.RunOnceAsync(default));   // once settled, never again

        archived = await Gateway.ArchiveRecordsAsync();
        var outcome = Assert.Single(archived, r => (string?)r["audit_id"] == auditId && (string?)r["kind"] == "outcome");
        Assert.Equal(("applied", true), ((string?)outcome["outcome"], (bool?)outcome["reconciled"]));
        Assert.Equal("Applied, then the host stopped", (string?)outcome["after"]!["name"]);
        var notApplied = Assert.Single(archived, r => (string?)r["audit_id"] == lostId && (bool?)r["reconciled"] == true);
        Assert.Equal("not_applied", (string?)notApplied["outcome"]);
        // The feed carries the reconciled outcomes too.
        var fed = await Gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["audit_id"] == auditId && (bool?)x["reconciled"] == true));
        Assert.Contains(fed, x => (string?)x["audit_id"] == lostId && (string?)x["outcome"] == "not_applied");
    }

    [Fact]
    public async Task A_queue_retry_carries_the_first_attempts_audit_id_from_intent_to_outcome()
    {
        await Gateway.Host.StopAsync();   // its listener would take the message too, without the fault
        await using var gateway = await StartGatewayAsync(o => o.Settings["DatoCms:MaxRetries"] = "0");
        gateway.Simulator.State.Faults.Add(new Fault(FaultKind.DropConnection, Method: "PUT"));
        var message = (await gateway.ChangeQueue.SendMessageAsync(ResilienceAudit.Rename(gateway.Simulator, Seed.EditableTokenId, "Second attempt"))).Value;

        var records = await gateway.WaitForAuditAsync(r => r.Any(x => (string?)x["outcome"] == "applied"), TimeSpan.FromSeconds(60));

        var mine = records.Where(r => (string?)r["correlation_id"] == message.MessageId).ToList();
        Assert.Equal([("intent", 1), ("outcome", 1), ("intent", 2), ("outcome", 2)], mine.Select(r => ((string)r["kind"]!, (int)r["attempt"]!)));
        Assert.Equal(["unknown", "applied"], mine.Where(r => r["outcome"] is not null).Select(r => (string?)r["outcome"]));
        Assert.All(mine, r => Assert.Equal(AuditIds.ForQueueMessage(message.MessageId), (string?)r["audit_id"]));
    }

    private async Task<JsonObject> GetAsync(string path)
    {
        var response = await Gateway.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static AuditReconciler Reconciler(GatewayHarness gateway, TimeProvider clock)
    {
        var services = gateway.Services;
        return new AuditReconciler(services.GetRequiredService<AuditArchiveReader>(), services.GetRequiredService<IDatoCmsClient>(),
            services.GetRequiredKeyedService<ISecretSource>(SecretsServiceCollectionExtensions.CmaToken), services.GetRequiredService<IAuditSink>(),
            services.GetRequiredService<IOptions<AuditOptions>>(), clock, NullLogger<AuditReconciler>.Instance);
    }

    /// <summary>Lets intents through and drops every outcome record: the host stops between the PUT and the outcome.</summary>
    private sealed class StopsBeforeOutcome(IAuditSink inner) : IAuditSink
    {
        public static void Install(IServiceCollection services)
        {
            var real = services.Last(d => d.ServiceType == typeof(IAuditSink));
            services.Remove(real);
            services.AddSingleton<IAuditSink>(sp => new StopsBeforeOutcome((IAuditSink)real.ImplementationFactory!(sp)));
        }

        public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken) => record.Kind == "outcome"
            ? throw new DependencyUnavailableException(Dependency.AuditTrail, "The host stopped before the outcome was written.")
            : inner.WriteAsync(record, cancellationToken);
    }
}
