using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Audit;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>How many times an outcome record is retried after the change was applied, before giving up loudly.</summary>
    [Range(0, 10)]
    public int OutcomeWriteRetries { get; set; } = 3;
}
