using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessTokenGateway.Outcomes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Reads the archive one UTC day at a time: every chain of the days asked for, as a list or a stream of records. A
/// scan, not an index: fine for the trail of token changes (thousands a day), and the reason <see cref="AuditQuery"/>
/// bounds its range.
/// </summary>
public sealed class AuditArchiveReader(BlobContainerClient container)
{
    /// <summary>Every record stored in the chains of the days <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public async Task<List<ArchivedRecord>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var records = new List<ArchivedRecord>();
        await foreach (var record in StreamDaysAsync(from, to, cancellationToken).ConfigureAwait(false)) records.Add(record);
        return records;
    }

    /// <summary>
    /// The same records one at a time, a chain a line at a time: what a reader holds is the line it is at, never a
    /// day's chains (the reconciler's passes, <see cref="AuditReconciler"/>).
    /// </summary>
    public IAsyncEnumerable<ArchivedRecord> StreamDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        StreamDaysAsync(from, to, null, cancellationToken);

    /// <summary>
    /// As <see cref="StreamDaysAsync(DateOnly, DateOnly, CancellationToken)"/>, but with <paramref name="offsets"/> only
    /// what each chain gained since they last saw it, and they move on to where each chain now ends.
    /// </summary>
    public async IAsyncEnumerable<ArchivedRecord> StreamDaysAsync(DateOnly from, DateOnly to, AuditArchiveOffsets? offsets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            foreach (var (chain, length) in await Readable(() => ChainsAsync(day, cancellationToken)).ConfigureAwait(false))
            {
                var start = offsets?.EndOf(chain) ?? 0;
                if (length <= start) continue;
                using var content = await Readable(() => OpenAsync(chain, start, cancellationToken)).ConfigureAwait(false);
                if (content is null) continue;
                await foreach (var (record, end) in LinesAsync(content, start, cancellationToken).ConfigureAwait(false))
                {
                    offsets?.Advance(chain, end);
                    if (record is not null) yield return record;
                }
            }
        }
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

    /// <summary>The chains (blob names) of one day and their lengths; none when there is no archive yet: nothing was ever recorded.</summary>
    private async Task<List<(string Chain, long Length)>> ChainsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var chains = new List<(string, long)>();
        try
        {
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = AuditArchive.DayPrefix(day) }, cancellationToken).ConfigureAwait(false))
            {
                if (item.Name.EndsWith(AuditArchive.Extension, StringComparison.Ordinal)) chains.Add((item.Name, item.Properties.ContentLength ?? 0));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        return chains;
    }

    /// <summary>A chain's bytes from <paramref name="start"/> on, as they download; null when the chain is gone.</summary>
    private async Task<Stream?> OpenAsync(string chain, long start, CancellationToken cancellationToken)
    {
        try
        {
            var options = new BlobDownloadOptions { Range = new HttpRange(start) };
            return (await container.GetBlobClient(chain).DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Each line's record (null when it is not one) and the offset just after the line. A last line without its newline
    /// (the writer never leaves one) is passed with the offset before it, so a reader with offsets reads it again.
    /// </summary>
    private static async IAsyncEnumerable<(ArchivedRecord? Record, long End)> LinesAsync(Stream content, long start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var (filled, end) = (0, start);
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);   // a line longer than the buffer
            var read = await Readable(() => content.ReadAsync(buffer.AsMemory(filled), cancellationToken).AsTask()).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
            var begin = 0;
            for (int newline; (newline = Array.IndexOf(buffer, (byte)'\n', begin, filled - begin)) >= 0; begin = newline + 1)
            {
                end += newline + 1 - begin;
                yield return (TryRead(buffer.AsMemory(begin, newline - begin)), end);
            }
            Buffer.BlockCopy(buffer, begin, buffer, 0, filled - begin);
            filled -= begin;
        }
        if (filled > 0 && TryRead(buffer.AsMemory(0, filled)) is { } last) yield return (last, end);
    }

    /// <summary>Storage's failures, as the one the callers know: the audit trail unavailable.</summary>
    private static async Task<T> Readable<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            throw new DependencyUnavailableException(Dependency.AuditTrail, $"The audit archive could not be read ({ex.GetType().Name}).", ex);
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
