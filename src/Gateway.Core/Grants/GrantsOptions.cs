using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Grants;

/// <summary>How expiring grants end (<c>Grants:*</c>). How long a grant may last is policy (<c>Policy:MaxGrantDuration</c>).</summary>
public sealed class GrantsOptions
{
    public const string SectionName = "Grants";

    /// <summary>The Key Vault secret holding the key revert messages are sealed with (at least 32 bytes).</summary>
    [Required]
    [RegularExpression("^[0-9A-Za-z-]{1,127}$")]
    public string RevertKeySecretName { get; set; } = "grant-revert-key";

    /// <summary>Development only, without a vault: stands in for the revert key.</summary>
    public string? DevelopmentRevertKey { get; set; }

    /// <summary>How long past its expiry a grant may still be owed before it is reported overdue (critical log, <c>revert_overdue</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan OverdueGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between two attempts of a revert that failed transiently (the back-off doubles up to it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RevertRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
