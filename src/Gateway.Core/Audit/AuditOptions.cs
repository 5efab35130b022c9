using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Audit;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>The audit queue's name.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string QueueName { get; set; } = "access-token-audit";

    /// <summary>How many times an outcome record is retried after the change was applied, before giving up loudly.</summary>
    [Range(0, 10)]
    public int OutcomeWriteRetries { get; set; } = 3;
}
