using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// Seen signatures in an Azure Storage table (<c>Signatures:ReplayTableName</c>), so every instance sees every other's.
/// Recording is an insert that fails with 409 when the row exists: the storage service, not a read-then-write here,
/// decides which of two racing instances was first. Each row carries its expiry; an expired row no longer counts,
/// and rows past expiry are deleted now and then (at most once per tolerance period per instance, after a record).
/// </summary>
public sealed class TableReplayStore(TableServiceClient tables, IOptions<SignaturesOptions> options, TimeProvider time, ILogger<TableReplayStore> logger)
    : IReplayStore
{
    internal const string ExpiresAtProperty = "ExpiresAt";
    private const int MaxDeletedPerSweep = 100;

    private readonly TableClient _table = tables.GetTableClient(options.Value.ReplayTableName);
    private readonly TimeSpan _sweepInterval = options.Value.Tolerance;
    private long _nextSweepTicks;
    private int _sweeping;

    public async Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        bool recorded;
        try
        {
            recorded = await InsertAsync(new TableEntity(PartitionOf(key), key) { [ExpiresAtProperty] = expiresAt }, now, createTable: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            logger.LogWarning("The replay store (table {Table}) could not be reached ({Reason}); the signed request is refused", _table.Name, Describe(ex));
            throw new DependencyUnavailableException(Dependency.ReplayStore, $"The replay store (table '{_table.Name}') could not be reached ({Describe(ex)}).", ex);
        }
        await SweepIfDueAsync(now, cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    private async Task<bool> InsertAsync(TableEntity entity, DateTimeOffset now, bool createTable, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && createTable)
        {
            // In Azure the template creates the table; on a fresh emulator the first record creates it.
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            return await InsertAsync(entity, now, createTable: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!existing.HasValue || existing.Value is not { } row) return false;
            if (row.GetDateTimeOffset(ExpiresAtProperty) is { } expiry && expiry > now) return false;
            // Left over past its expiry (the tolerance was lengthened since): take it over, unless another instance just did.
            try
            {
                await _table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException conflict) when (conflict.Status is 404 or 412)
            {
                return false;
            }
        }
    }

    /// <summary>Deletes rows past their expiry. Best effort: a failure here leaves rows that no longer count anyway.</summary>
    private async Task SweepIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now.UtcTicks < Interlocked.Read(ref _nextSweepTicks) || Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0) return;
        try
        {
            Interlocked.Exchange(ref _nextSweepTicks, (now + _sweepInterval).UtcTicks);
            var expired = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"),
                maxPerPage: MaxDeletedPerSweep, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
            await foreach (var page in expired.AsPages().ConfigureAwait(false))
            {
                foreach (var row in page.Values)
                {
                    try
                    {
                        await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
                    }
                    catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                    {
                        // Deleted by another instance, or recorded afresh since it was read: either way, not ours to delete.
                    }
                }
                break;
            }
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            logger.LogWarning("Expired rows of the replay store (table {Table}) could not be deleted ({Reason}); the next sweep will try again", _table.Name, Describe(ex));
        }
        finally
        {
            Interlocked.Exchange(ref _sweeping, 0);
        }
    }

    /// <summary>Spreads rows over 256 partitions by the key's first two hex digits.</summary>
    private static string PartitionOf(string key) => key[..2];

    private static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        ex is RequestFailedException or AggregateException or HttpRequestException or IOException or Azure.Identity.AuthenticationFailedException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested;

    /// <summary>Says why without repeating the service's message, which can quote the request.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        RequestFailedException r => $"status {r.Status}, {r.ErrorCode ?? "no error code"}",
        _ => ex.GetType().Name,
    };
}
