using System.ComponentModel.DataAnnotations;

namespace AccessTokenGateway.Secrets;

/// <summary>Where the CMA token lives. Outside Development the vault is the only source.</summary>
public sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>The vault's URI, e.g. https://my-vault.vault.azure.net/. Required outside Development.</summary>
    public Uri? VaultUri { get; set; }

    [Required]
    [RegularExpression("^[0-9A-Za-z-]{1,127}$")]
    public string CmaTokenSecretName { get; set; } = "datocms-cma-token";

    /// <summary>How long a secret read from the vault is reused before it is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Development only: a CMA token that stands in for the vault (the simulator's, locally).</summary>
    public string? DevelopmentCmaToken { get; set; }
}
