using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Data.Tables;

namespace AccessTokenGateway.Grants;

/// <summary>
/// The grant registry in Azure Table Storage (on <c>AzureWebJobsStorage</c>): partition = token id, row = field, so a
/// token's grants are one partition query. Removals and updates are conditional on the row's ETag: of two instances
/// ending the same grant, only one succeeds. Consumed revert messages are rows of their own table, inserted once.
/// </summary>
public sealed class TableGrantRegistry(TableServiceClient tables) : IGrantRegistry
{
    private readonly TableClient _grants = tables.GetTableClient(GrantTables.Grants);
    private readonly TableClient _consumed = tables.GetTableClient(GrantTables.ConsumedReverts);
    private volatile bool _created;

    public Task<IReadOnlyList<Grant>> ForTokenAsync(string tokenId, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {tokenId}"), cancellationToken);

    public Task<IReadOnlyList<Grant>> ListAsync(string? tokenId, CancellationToken cancellationToken) =>
        tokenId is null ? QueryAsync(null, cancellationToken) : ForTokenAsync(tokenId, cancellationToken);

    public Task<IReadOnlyList<Grant>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"ExpiresAt le {now.ToUniversalTime()}"), cancellationToken);

    public Task PutAsync(IReadOnlyList<Grant> grants, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        // One partition per token: the rows of one grant are written in one transaction, all or none.
        foreach (var token in grants.GroupBy(g => g.TokenId))
        {
            var actions = token.Select(g => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(g))).ToList();
            await _grants.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        return true;
    });

    public Task<bool> RemoveAsync(Grant grant, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        try
        {
            await _grants.DeleteEntityAsync(grant.TokenId, grant.Field, Version(grant), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    });

    public Task<bool> MarkOverdueReportedAsync(Grant grant, DateTimeOffset at, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        try
        {
            await _grants.UpdateEntityAsync(ToEntity(grant with { OverdueReportedAt = at }), Version(grant), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    });

    public Task<bool> TryConsumeMessageAsync(string nonce, DateTimeOffset at, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        try
        {
            await _consumed.AddEntityAsync(new TableEntity(nonce[..2], nonce) { ["ConsumedAt"] = at }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    });

    public Task<bool> WasConsumedAsync(string nonce, CancellationToken cancellationToken) => RunAsync(async () =>
        (await _consumed.GetEntityIfExistsAsync<TableEntity>(nonce[..2], nonce, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue);

    public Task<int> ForgetConsumedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var forgotten = 0;
        var old = _consumed.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ConsumedAt lt {before.ToUniversalTime()}"),
            maxPerPage: max, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
        await foreach (var page in old.AsPages().ConfigureAwait(false))
        {
            foreach (var row in page.Values)
            {
                try
                {
                    await _consumed.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
                    forgotten++;
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                    // Forgotten by another instance meanwhile.
                }
            }
            break;
        }
        return forgotten;
    });

    private Task<IReadOnlyList<Grant>> QueryAsync(string? filter, CancellationToken cancellationToken) => RunAsync<IReadOnlyList<Grant>>(async () =>
    {
        var grants = new List<Grant>();
        await foreach (var row in _grants.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            grants.Add(FromEntity(row));
        return grants;
    });

    private async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            if (!_created)
            {
                // In Azure the template creates the tables; on a fresh emulator the first use does.
                await _grants.CreateIfNotExistsAsync().ConfigureAwait(false);
                await _consumed.CreateIfNotExistsAsync().ConfigureAwait(false);
                _created = true;
            }
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException
                                       or Azure.Identity.AuthenticationFailedException or TableTransactionFailedException)
        {
            var why = ex is RequestFailedException r ? $"status {r.Status}, {r.ErrorCode ?? "no error code"}" : ex.GetType().Name;
            throw new DependencyUnavailableException(Dependency.RevertSchedule, $"The grant registry could not be reached ({why}).", ex);
        }
    }

    private static ETag Version(Grant grant) => grant.Version is { } v ? new ETag(v) : ETag.All;

    private static TableEntity ToEntity(Grant g)
    {
        var entity = new TableEntity(g.TokenId, g.Field)
        {
            ["GrantedValue"] = g.GrantedValue,
            ["ValueBefore"] = g.ValueBefore,
            ["ExpiresAt"] = g.ExpiresAt.ToUniversalTime(),
            ["GrantId"] = g.GrantId,
            ["RequestedBy"] = g.RequestedBy,
            ["ApprovedBy"] = g.ApprovedBy,
            ["Ticket"] = g.Ticket,
            ["GrantedAt"] = g.GrantedAt.ToUniversalTime(),
            ["OverdueReportedAt"] = g.OverdueReportedAt?.ToUniversalTime(),
        };
        return entity;
    }

    private static Grant FromEntity(TableEntity e) => new(
        e.PartitionKey, e.RowKey, e.GetString("GrantedValue"), e.GetString("ValueBefore"),
        e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue, e.GetString("GrantId") ?? "",
        e.GetString("RequestedBy"), e.GetString("ApprovedBy"), e.GetString("Ticket"),
        e.GetDateTimeOffset("GrantedAt") ?? DateTimeOffset.MinValue)
    {
        OverdueReportedAt = e.GetDateTimeOffset("OverdueReportedAt"),
        Version = e.ETag.ToString(),
    };
}
