using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Storage.Blobs;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Reads the archive one UTC day at a time: every chain of the days asked for, whole. A scan, not an index: fine for
/// the trail of token changes (thousands a day), and the reason <see cref="AuditQuery"/> bounds its range.
/// </summary>
public sealed class AuditArchiveReader(BlobContainerClient container)
{
    /// <summary>Every record stored in the chains of the days <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public async Task<List<ArchivedRecord>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var records = new List<ArchivedRecord>();
        try
        {
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                await foreach (var item in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = AuditArchive.DayPrefix(day) }, cancellationToken).ConfigureAwait(false))
                {
                    if (!item.Name.EndsWith(AuditArchive.Extension, StringComparison.Ordinal)) continue;
                    var content = (await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
                    records.AddRange(Parse(content.ToMemory()));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No archive yet: nothing was ever recorded.
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            throw new DependencyUnavailableException(Dependency.AuditTrail, $"The audit archive could not be read ({ex.GetType().Name}).", ex);
        }
        return records;
    }

    /// <summary>One page of the records <paramref name="query"/> asks for, newest first, and the cursor of the next page if there is one.</summary>
    public async Task<(IReadOnlyList<ArchivedRecord> Page, AuditCursor? Next)> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // A record is filed under the day its chain's append happened, which can be just after its own time's day.
        var from = DateOnly.FromDateTime(query.Since.UtcDateTime);
        var to = DateOnly.FromDateTime(query.Until.UtcDateTime).AddDays(1);
        var matching = (await ReadDaysAsync(from, to, cancellationToken).ConfigureAwait(false))
            .Where(query.Matches)
            .Select(r => (Record: r, At: AuditCursor.Of(r)))
            .Where(r => query.After is null || r.At.CompareTo(query.After) > 0)
            .OrderBy(r => r.At)
            .Take(query.Limit + 1)
            .ToList();
        var page = matching.Take(query.Limit).Select(r => r.Record).ToList();
        return (page, matching.Count > query.Limit ? matching[query.Limit - 1].At : null);
    }

    /// <summary>A chain's lines; a line that is not a record (it would fail verification) is skipped here.</summary>
    public static IEnumerable<ArchivedRecord> Parse(ReadOnlyMemory<byte> content)
    {
        var rest = content;
        while (rest.Length > 0)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (TryRead(line) is { } record) yield return record;
        }
    }

    private static ArchivedRecord? TryRead(ReadOnlyMemory<byte> line)
    {
        try
        {
            if (JsonNode.Parse(line.Span) is not JsonObject json) return null;
            if ((string?)json["time"] is not { } time || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return null;
            return new ArchivedRecord(json, at, (string?)json["chain"] ?? "", (long?)json["seq"] ?? 0);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
