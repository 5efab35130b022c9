using AccessTokenGateway.Authentication;
using AccessTokenGateway.Tests.Support;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AccessTokenGateway.Tests.Security;

/// <summary>The seen-signature store on a real Azurite table: shared, insert-if-absent, expiring, fail-closed.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class TableReplayStoreTests(AzuriteFixture storage)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _table = Signing.UniqueTable();

    private TableReplayStore Store(TableServiceClient? client = null) =>
        new(client ?? new TableServiceClient(storage.ConnectionString), Options.Create(new SignaturesOptions { ReplayTableName = _table }), _time,
            NullLogger<TableReplayStore>.Instance);

    private static string Key(int n) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n)));

    [Fact]
    public async Task First_record_wins_and_the_second_is_a_replay_even_from_another_instance()
    {
        var expiresAt = _time.GetUtcNow().AddMinutes(5);

        Assert.True(await Store().TryRecordAsync(Key(1), expiresAt, default));
        Assert.False(await Store().TryRecordAsync(Key(1), expiresAt, default));
        Assert.True(await Store().TryRecordAsync(Key(2), expiresAt, default));
    }

    [Fact]
    public async Task Racing_instances_record_a_key_exactly_once()
    {
        var expiresAt = _time.GetUtcNow().AddMinutes(5);
        await Store().TryRecordAsync(Key(0), expiresAt, default); // the table exists before the race

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store().TryRecordAsync(Key(3), expiresAt, default)));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task An_entry_past_its_expiry_no_longer_counts()
    {
        var store = Store();
        Assert.True(await store.TryRecordAsync(Key(4), _time.GetUtcNow().AddMinutes(5), default));

        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.True(await store.TryRecordAsync(Key(4), _time.GetUtcNow().AddMinutes(5), default));
        Assert.False(await store.TryRecordAsync(Key(4), _time.GetUtcNow().AddMinutes(5), default));
    }

    [Fact]
    public async Task Expired_entries_are_deleted_after_the_next_record_and_live_ones_kept()
    {
        var store = Store();
        await store.TryRecordAsync(Key(5), _time.GetUtcNow().AddMinutes(5), default);
        await store.TryRecordAsync(Key(6), _time.GetUtcNow().AddMinutes(20), default);

        _time.Advance(TimeSpan.FromMinutes(10));
        await store.TryRecordAsync(Key(7), _time.GetUtcNow().AddMinutes(5), default);

        var rows = new List<string>();
        await foreach (var row in new TableServiceClient(storage.ConnectionString).GetTableClient(_table).QueryAsync<TableEntity>()) rows.Add(row.RowKey);
        Assert.Equal(new[] { Key(6), Key(7) }.Order(), rows.Order());
    }

    [Fact]
    public async Task Unreachable_table_service_is_reported_not_guessed()
    {
        var dead = new TableServiceClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });

        var unavailable = await Assert.ThrowsAsync<AccessTokenGateway.Outcomes.DependencyUnavailableException>(() => Store(dead).TryRecordAsync(Key(8), _time.GetUtcNow().AddMinutes(5), default));
        Assert.Equal(AccessTokenGateway.Outcomes.Dependency.ReplayStore, unavailable.Dependency);
    }
}
