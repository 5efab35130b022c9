namespace AccessTokenGateway.Validation;

/// <summary>The <c>X-Change-*</c> headers that carry metadata for clients that cannot add <c>meta</c>.</summary>
public sealed class ChangeHeaders
{
    public const string RequestedBy = "X-Change-Requested-By";
    public const string ApprovedBy = "X-Change-Approved-By";
    public const string Reason = "X-Change-Reason";
    public const string Ticket = "X-Change-Ticket";
    public const string DryRun = "X-Change-Dry-Run";
    public const string Expected = "X-Change-Expected";
    public const string ExpiresAt = "X-Change-Expires-At";

    public static readonly IReadOnlyList<string> All = [RequestedBy, ApprovedBy, Reason, Ticket, DryRun, Expected, ExpiresAt];
    public static readonly ChangeHeaders None = new(new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _values;

    public ChangeHeaders(IReadOnlyDictionary<string, string> values, string? dryRunQuery = null)
    {
        _values = new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);
        DryRunQuery = dryRunQuery;
    }

    /// <summary>The URL's <c>dry_run</c> query value, if any (<c>?dry_run=true</c>).</summary>
    public string? DryRunQuery { get; }

    public string? this[string header] => _values.TryGetValue(header, out var v) ? v : null;
}
