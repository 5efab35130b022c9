using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Audit;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>How many times an outcome record is retried after the change was applied, before giving up loudly.</summary>
    [Range(0, 10)]
    public int OutcomeWriteRetries { get; set; } = 3;

    /// <summary>How old an intent without an outcome must be before the reconciler settles it: longer than any change takes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far back the reconciler looks for intents without an outcome.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "31.00:00:00")]
    public TimeSpan ReconcileLookback { get; set; } = TimeSpan.FromDays(2);
}
