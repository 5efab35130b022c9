using System.Text.Json;

namespace AccessTokenGateway.Audit;

/// <summary>
/// Serialises a record to stay under the queue's 64 KiB message limit once base64-encoded (48 KiB of JSON).
/// Validation already bounds every field well below that; if a record still grows past it, the free-text fields
/// (reason, then names in the states) are shortened and <see cref="AuditRecord.Truncated"/> is set — the ids,
/// flags, roles and outcome are never cut.
/// </summary>
public static class AuditSerializer
{
    public const int MaxJsonBytes = 48 * 1024;

    public static byte[] Serialize(AuditRecord record)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, AuditJsonContext.Default.AuditRecord);
        if (bytes.Length <= MaxJsonBytes) return bytes;

        var shortened = record with
        {
            Reason = Cut(record.Reason, 256),
            RequestedBy = Cut(record.RequestedBy, 256),
            ApprovedBy = Cut(record.ApprovedBy, 256),
            Ticket = Cut(record.Ticket, 128),
            Requested = record.Requested is { } r ? r with { Name = Cut(r.Name, 128)! } : null,
            Before = record.Before is { } b ? b with { Name = Cut(b.Name, 128)! } : null,
            After = record.After is { } a ? a with { Name = Cut(a.Name, 128)! } : null,
            Diff = record.Diff?.Select(d => d with { From = Cut(d.From, 128), To = Cut(d.To, 128) }).ToList(),
            Truncated = true,
        };
        return JsonSerializer.SerializeToUtf8Bytes(shortened, AuditJsonContext.Default.AuditRecord);
    }

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max] + "…";
}
