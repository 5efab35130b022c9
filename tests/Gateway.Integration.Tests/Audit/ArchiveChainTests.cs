using System.Text;
using AccessTokenGateway.Audit;
using AccessTokenGateway.Outcomes;
using AccessTokenGateway.Tests.Support;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace AccessTokenGateway.Tests.Audit;

/// <summary>The archive writer on a real Azurite: one chain per writer, concurrent writes chained in order, and a chain nobody else can extend.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class ArchiveChainTests(AzuriteFixture storage)
{
    private static AuditRecord Record(int i) => new()
    {
        AuditId = $"chain-test-{i:000}", CorrelationId = "c", Kind = "intent", Time = DateTimeOffset.UtcNow, Source = "http",
        Caller = new AuditCaller("function_key", "default"), TokenId = "312",
    };

    [Fact]
    public async Task Concurrent_writes_share_appends_and_form_one_unbroken_chain_that_verifies()
    {
        var container = new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient("chain-concurrent");
        var sink = new ArchiveAuditSink(container, "writer-a", TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => sink.WriteAsync(Record(i), default)));

        var blob = Assert.Single(await ListAsync(container));
        var lines = await LinesAsync(container, blob);
        Assert.Equal(100, lines.Count);
        var prev = AuditArchive.Genesis;
        for (var i = 0; i < lines.Count; i++)
        {
            var record = System.Text.Json.Nodes.JsonNode.Parse(lines[i])!;
            Assert.Equal((i + 1, prev, blob[..^AuditArchive.Extension.Length]), ((int)record["seq"]!, (string?)record["prev_hash"], (string?)record["chain"]));
            prev = AuditArchive.Hash(Encoding.UTF8.GetBytes(lines[i]));
        }
        Assert.Equal(100, lines.Select(l => (string?)System.Text.Json.Nodes.JsonNode.Parse(l)!["audit_id"]).Distinct().Count());
        // Group commit: far fewer appends than records.
        var blocks = (await container.GetAppendBlobClient(blob).GetPropertiesAsync()).Value.BlobCommittedBlockCount;
        Assert.True(blocks < 100, $"{blocks} appends for 100 records");
        Assert.Equal(0, (await AuditVerifier.RunAsync(storage.ConnectionString, container.Name)).ExitCode);
    }

    [Fact]
    public async Task A_line_slipped_into_a_writers_chain_makes_its_next_write_fail_closed_and_the_chain_start_anew()
    {
        var container = new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient("chain-forged");
        var sink = new ArchiveAuditSink(container, "writer-b", TimeProvider.System);
        for (var i = 0; i < 3; i++) await sink.WriteAsync(Record(i), default);
        var first = Assert.Single(await ListAsync(container));

        // Someone else appends to the writer's blob (a second writer by mistake, or an attacker with write access).
        var forged = "{\"audit_id\":\"forged\",\"kind\":\"outcome\",\"outcome\":\"applied\",\"seq\":4}\n";
        await container.GetAppendBlobClient(first).AppendBlockAsync(new MemoryStream(Encoding.UTF8.GetBytes(forged)));

        // The writer's next append is conditioned on the length it left: refused, so the record is not taken for written.
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => sink.WriteAsync(Record(3), default));
        await sink.WriteAsync(Record(4), default);

        var blobs = await ListAsync(container);
        Assert.Equal(2, blobs.Count);
        var second = blobs.Single(b => b != first);
        Assert.EndsWith("writer-b-0002.jsonl", second);
        Assert.Equal(1, (int)System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(await LinesAsync(container, second)))!["seq"]!);

        var (status, report) = await AuditVerifier.RunAsync(storage.ConnectionString, container.Name);
        Assert.Equal(1, status);
        Assert.Contains("audit_id forged", report);
    }

    private static async Task<List<string>> ListAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        return names;
    }

    private static async Task<List<string>> LinesAsync(BlobContainerClient container, string blob) =>
        (await container.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
