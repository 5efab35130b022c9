using System.Text.Json.Nodes;
using AccessTokenGateway.Tests.Audit;
using AccessTokenGateway.Tests.Support;
using DatoCmsSimulator;
using Xunit.Abstractions;

namespace AccessTokenGateway.Tests.Queue;

[Collection(IntegrationCollection.Name)]
public sealed class TwoInstanceDrainTests(AzuriteFixture storage, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_instances_draining_200_messages_leave_exactly_one_final_outcome_each_none_lost_none_applied_twice()
    {
        await storage.ResetQueuesAsync();
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { RateLimitPerWindow = 100_000 });
        var tokens = Seed.EditableTokenIds;
        var changeQueue = storage.Queue(AccessTokenGateway.Changes.QueueNames.Changes);
        var sent = new Dictionary<string, string>(); // message id → the name it sets
        var started = DateTime.UtcNow;
        for (var i = 0; i < 200; i++)
        {
            var name = $"Drain {i:000}";
            var id = tokens[i % tokens.Count];
            var document = Documents.Update(id, name: name, cda: true, preview: false, cma: false, roleId: null)
                .WithMeta(new JsonObject { ["requested_by"] = "drain-test" });
            // Keep each token's own role and flags, so every change is a rename the queue path may make.
            var current = simulator.State.GetToken(id)!;
            document["data"]!["attributes"]!["can_access_cda"] = current.CanAccessCda;
            document["data"]!["attributes"]!["can_access_cda_preview"] = current.CanAccessCdaPreview;
            document["data"]!["attributes"]!["can_access_cma"] = current.CanAccessCma;
            document["data"]!["relationships"]!["role"]!["data"] = new JsonObject { ["type"] = "role", ["id"] = current.RoleId };
            var receipt = await changeQueue.SendMessageAsync(document.ToJsonString());
            sent[receipt.Value.MessageId] = name;
        }
        // Both instances start on a full queue, together: each takes its share from its first poll. Started before the
        // messages, one instance could keep up with them as they came and leave the other nothing (seen on a loaded
        // machine: all 200 in one instance's chain).
        var instances = await Task.WhenAll(
            GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator),
            GatewayHarness.StartAsync(storage, o => o.SharedSimulator = simulator));
        await using var first = instances[0];
        await using var second = instances[1];

        var records = await first.WaitForAuditAsync(r => r.Count(x => x["outcome"] is not null) >= 200, TimeSpan.FromSeconds(120));
        var elapsed = DateTime.UtcNow - started;

        var finals = records.Where(r => r["outcome"] is not null).ToList();
        var byMessage = finals.GroupBy(r => (string)r["correlation_id"]!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(sent.Keys.Order(), byMessage.Keys.Order());                 // none lost, none invented
        Assert.All(byMessage.Values, outcomes => Assert.Single(outcomes));       // exactly one final outcome each
        Assert.All(finals, r => Assert.Equal("applied", (string?)r["outcome"]));
        var puts = simulator.State.Requests.Where(r => r.Method == "PUT" && r.Status == 200).Select(r => (string)JsonNode.Parse(r.Body)!["data"]!["attributes"]!["name"]!).ToList();
        Assert.Equal(200, puts.Count);
        Assert.Equal(sent.Values.Order(), puts.Order());                          // each change applied once
        Assert.Null((await first.PoisonQueue.PeekMessageAsync()).Value);
        Assert.Null((await first.ChangeQueue.PeekMessageAsync()).Value);

        output.WriteLine($"200 messages drained by two instances in {elapsed.TotalSeconds:F1} s; {finals.Count} final outcomes, {puts.Count} PUTs, {records.Count - finals.Count} intents");

        await The_archive_holds_each_intent_and_outcome_once_in_chains_that_verify_and_name_a_removed_or_altered_record(first, sent.Keys);
    }

    private async Task The_archive_holds_each_intent_and_outcome_once_in_chains_that_verify_and_name_a_removed_or_altered_record(GatewayHarness gateway, IEnumerable<string> messageIds)
    {
        // Every intent and outcome of the 200 changes, once, under the audit id the message id fixes, in the two writers' chains.
        var ids = messageIds.ToHashSet();
        var archived = (await gateway.ArchiveRecordsAsync()).Where(r => ids.Contains((string?)r["correlation_id"] ?? "")).ToList();
        Assert.Equal(400, archived.Count);
        foreach (var change in archived.GroupBy(r => (string)r["correlation_id"]!))
        {
            Assert.Equal(["intent", "outcome"], change.Select(r => (string)r["kind"]!).Order());
            Assert.All(change, r => Assert.Equal(AccessTokenGateway.Changes.AuditIds.ForQueueMessage(change.Key), (string?)r["audit_id"]));
        }
        var chains = archived.Select(r => (string)r["chain"]!).Distinct().ToList();
        Assert.True(chains.Count >= 2, "each instance writes its own chain: " + string.Join(", ", chains));

        // The whole archive this test run produced so far verifies.
        var (status, report) = await AuditVerifier.RunAsync(storage.ConnectionString, AccessTokenGateway.Audit.AuditArchive.ContainerName);
        output.WriteLine(report);
        Assert.True(status == 0, report);

        // A copy of one chain with one record removed, and another with one record altered: each fails, naming the record.
        var chain = chains[0];
        var lines = (await gateway.Archive.GetBlobClient(chain + ".jsonl").DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.True(lines.Count >= 10);
        var victim = lines.Count / 2;   // seq victim + 1
        var victimAuditId = (string)JsonNode.Parse(lines[victim])!["audit_id"]!;

        var removed = lines.Where((_, i) => i != victim).ToList();
        var (removedStatus, removedReport) = await TamperedCopyVerifiedAsync(gateway, "tampered-removed", chain, removed);
        output.WriteLine(removedReport);
        Assert.Equal(1, removedStatus);
        Assert.Contains($"{chain}: record seq {victim + 1} removed", removedReport);

        var altered = lines.ToList();
        var record = JsonNode.Parse(altered[victim])!.AsObject();
        record["requested_by"] = "someone-else";
        altered[victim] = record.ToJsonString();
        var (alteredStatus, alteredReport) = await TamperedCopyVerifiedAsync(gateway, "tampered-altered", chain, altered);
        output.WriteLine(alteredReport);
        Assert.Equal(1, alteredStatus);
        Assert.Contains($"{chain} seq {victim + 1} (line {victim + 1}, audit_id {victimAuditId}", alteredReport);
        Assert.Contains("altered", alteredReport);
    }

    private async Task<(int, string)> TamperedCopyVerifiedAsync(GatewayHarness gateway, string container, string chain, List<string> lines)
    {
        var copy = new Azure.Storage.Blobs.BlobServiceClient(storage.ConnectionString).GetBlobContainerClient(container);
        await copy.CreateIfNotExistsAsync();
        await copy.GetBlobClient(chain + ".jsonl").UploadAsync(BinaryData.FromString(string.Join('\n', lines) + "\n"), overwrite: true);
        return await AuditVerifier.RunAsync(storage.ConnectionString, container);
    }
}
