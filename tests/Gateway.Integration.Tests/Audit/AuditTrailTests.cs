using System.Net;
using System.Text.Json.Nodes;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Queues;
using DatoCmsSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AccessTokenGateway.Tests.Audit;

public sealed class AuditTrailTests(AzuriteFixture storage) : GatewayTest(storage)
{
    [Fact]
    public async Task Applied_change_leaves_an_intent_then_an_applied_outcome_with_before_after_and_no_secret()
    {
        var body = Documents.Update(Seed.EditableTokenId, cma: true)
            .WithMeta(new JsonObject { ["requested_by"] = "alice", ["approved_by"] = "bob", ["reason"] = "Migration", ["ticket"] = "CHG-1", ["expected"] = new JsonObject { ["name"] = "Read-only API token", ["can_access_cda"] = true, ["can_access_cda_preview"] = false, ["can_access_cma"] = false, ["role_id"] = Seed.EditorRoleId } });

        var response = await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString(), customize: r => r.Headers.Add("X-Correlation-Id", "corr-audit-1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var raw = new List<string>();
        await foreach (var text in GatewayHarness.Drain(Gateway.AuditQueue)) raw.Add(text);
        Assert.Equal(2, raw.Count);
        var (intent, outcome) = (JsonNode.Parse(raw[0])!, JsonNode.Parse(raw[1])!);

        var auditId = response.Headers.GetValues("X-Audit-Id").Single();
        foreach (var record in new[] { intent, outcome })
        {
            Assert.Equal(AuditRecord.CurrentSchemaVersion, (int)record["schema_version"]!);
            Assert.Equal(auditId, (string?)record["audit_id"]);
            Assert.Equal("corr-audit-1", (string?)record["correlation_id"]);
            Assert.Equal("http", (string?)record["source"]);
            Assert.Equal("function_key", (string?)record["caller"]!["kind"]);
            Assert.Equal(("alice", "bob", "Migration", "CHG-1"), ((string?)record["requested_by"], (string?)record["approved_by"], (string?)record["reason"], (string?)record["ticket"]));
            Assert.Equal(Seed.EditableTokenId, (string?)record["token_id"]);
            Assert.False((bool)record["before"]!["can_access_cma"]!);
        }
        Assert.Equal("intent", (string?)intent["kind"]);
        Assert.Null(intent["outcome"]);
        Assert.Equal("outcome", (string?)outcome["kind"]);
        Assert.Equal("applied", (string?)outcome["outcome"]);
        Assert.True((bool)outcome["after"]!["can_access_cma"]!);
        Assert.Equal("can_access_cma", (string?)outcome["diff"]![0]!["field"]);
        Assert.Equal(200, (int)outcome["datocms"]!["status"]!);
        Assert.NotNull((string?)outcome["datocms"]!["request_id"]);

        foreach (var text in raw)
        {
            Assert.DoesNotContain(GatewayHarness.CmaToken, text);
            Assert.DoesNotContain(GatewayHarness.FunctionKey, text);
            foreach (var token in Seed.Tokens()) Assert.DoesNotContain(token.Token!, text);
        }
    }

    [Fact]
    public async Task Rejected_request_leaves_one_rejected_outcome_naming_the_code_and_field()
    {
        var body = Documents.Update(Seed.EditableTokenId);
        body["data"]!["attributes"]!["token"] = "attempt-to-set-a-secret";

        var response = await Gateway.PutAsync(Seed.EditableTokenId, body.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var record = Assert.Single(await Gateway.AuditRecordsAsync());
        Assert.Equal("rejected", (string?)record["outcome"]);
        Assert.Equal("INVALID_ATTRIBUTES", (string?)record["error"]!["code"]);
        Assert.Equal("token", (string?)record["error"]!["field"]);
        Assert.DoesNotContain("attempt-to-set-a-secret", record.ToJsonString());
    }

    [Fact]
    public async Task Audit_queue_unreachable_means_503_and_DatoCMS_sees_no_put()
    {
        // The real sink and QueueClient, pointed at a port where nothing listens.
        var closed = FreePort.Next();
        await using var gateway = await StartGatewayAsync(o => o.Services = services =>
            services.Replace(ServiceDescriptor.Singleton<IAuditSink>(new QueueAuditSink(new QueueClient(
                $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;",
                "access-token-audit",
                new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) } })))));

        var response = await gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Never applied").ToJsonString());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("AUDIT_UNAVAILABLE", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, gateway.Simulator.State.CountRequests("PUT"));
        Assert.Equal("Read-only API token", gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Fact]
    public async Task The_audit_feed_may_have_an_account_of_its_own_and_then_every_record_lands_there_alone()
    {
        await using var feedAccount = await AzuriteProcess.StartAsync();
        await using var gateway = await StartGatewayAsync(o => o.Settings["AuditFeedStorage"] = feedAccount.ConnectionString);

        var applied = await gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Fed elsewhere").ToJsonString());
        var rejected = await gateway.PutAsync(Seed.EditableTokenId, """{"data":{}}""");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity), (applied.StatusCode, rejected.StatusCode));
        var fed = new List<JsonNode>();
        await foreach (var text in GatewayHarness.Drain(feedAccount.Queue(AccessTokenGateway.Changes.QueueNames.Audit))) fed.Add(JsonNode.Parse(text)!);
        Assert.Equal(["intent", "outcome", "outcome"], fed.Select(r => (string)r["kind"]!));
        Assert.Equal(["applied", "rejected"], fed.Skip(1).Select(r => (string)r["outcome"]!));
        Assert.Empty(await gateway.AuditRecordsAsync());   // nothing on the gateway's own account's feed
        // The archive stays with the gateway's account: both records of the change are there too.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var archived = await new AuditArchiveReader(new Azure.Storage.Blobs.BlobContainerClient(Storage.ConnectionString, AuditArchive.ContainerName))
            .ReadDaysAsync(today.AddDays(-1), today, CancellationToken.None);
        Assert.Equal(2, archived.Count(r => r.AuditId == (string)fed[0]["audit_id"]!));
    }

    [Fact]
    public async Task An_audit_feed_account_that_cannot_be_reached_means_503_and_DatoCMS_sees_no_put()
    {
        var closed = FreePort.Next();
        await using var gateway = await StartGatewayAsync(o => o.Settings["AuditFeedStorage"] =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;");

        var response = await gateway.PutAsync(Seed.EditableTokenId, Documents.Update(Seed.EditableTokenId, name: "Never applied").ToJsonString());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("AUDIT_UNAVAILABLE", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, gateway.Simulator.State.CountRequests("PUT"));
        Assert.Equal("Read-only API token", gateway.Simulator.State.GetToken(Seed.EditableTokenId)!.Name);
    }

    [Fact]
    public void Record_over_the_queue_limit_is_shortened_in_free_text_only()
    {
        var state = new AccessTokenGateway.Tokens.TokenState(new string('n', 30_000), true, false, true, "34");
        var record = new AuditRecord
        {
            AuditId = "a", CorrelationId = "c", Kind = "outcome", Time = DateTimeOffset.UnixEpoch, Source = "http",
            Caller = new AuditCaller("function_key", "default"), Reason = new string('r', 30_000), TokenId = "312",
            Requested = state, Before = state, After = state, Outcome = "applied",
        };

        var bytes = AuditSerializer.Serialize(record);

        Assert.True(bytes.Length <= AuditSerializer.MaxJsonBytes);
        var json = JsonNode.Parse(bytes)!;
        Assert.True((bool)json["truncated"]!);
        Assert.Equal(("312", "applied", true, "34"), ((string?)json["token_id"], (string?)json["outcome"], (bool)json["after"]!["can_access_cma"]!, (string?)json["after"]!["role_id"]));
    }
}
