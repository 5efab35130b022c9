using AccessTokenGateway.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Grants;

public static class GrantsServiceCollectionExtensions
{
    /// <summary>The key under which the revert key's <see cref="ISecretSource"/> is registered.</summary>
    public const string RevertKey = "grant-revert-key";

    /// <summary>
    /// Time-bound grants: the registry (tables on <c>AzureWebJobsStorage</c>), the reverts queue and its key (a Key Vault
    /// secret, cached like the CMA token; in Development <c>Grants:DevelopmentRevertKey</c> may stand in), the reverter,
    /// the handler of revert messages and the sweeper.
    /// </summary>
    public static IServiceCollection AddGrants(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GrantsOptions>().Bind(configuration.GetSection(GrantsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GrantsOptions>, GrantsOptionsValidator>();
        services.AddKeyVaultSecret(RevertKey, sp =>
        {
            var grants = sp.GetRequiredService<IOptions<GrantsOptions>>().Value;
            return (grants.RevertKeySecretName, grants.DevelopmentRevertKey);
        });
        services.TryAddSingleton<IGrantRegistry, TableGrantRegistry>();
        services.TryAddSingleton<IRevertQueue, QueueRevertQueue>();
        services.AddSingleton<GrantLedger>();
        services.AddSingleton<GrantReverter>();
        services.AddSingleton<RevertMessageHandler>();
        services.AddSingleton<GrantSweeper>();
        return services;
    }

    private sealed class GrantsOptionsValidator(IHostEnvironment environment, IOptions<KeyVaultOptions> vault) : IValidateOptions<GrantsOptions>
    {
        public ValidateOptionsResult Validate(string? name, GrantsOptions options)
        {
            if (!string.IsNullOrEmpty(options.DevelopmentRevertKey))
            {
                if (!environment.IsDevelopment())
                    return ValidateOptionsResult.Fail("Grants:DevelopmentRevertKey is only allowed in Development.");
                if (System.Text.Encoding.UTF8.GetByteCount(options.DevelopmentRevertKey) < RevertMessageSigner.MinimumKeyBytes)
                    return ValidateOptionsResult.Fail($"Grants:DevelopmentRevertKey must be at least {RevertMessageSigner.MinimumKeyBytes} bytes.");
            }
            else if (vault.Value.VaultUri is null)
            {
                return ValidateOptionsResult.Fail("Expiring grants need the revert key: set KeyVault:VaultUri (or, in Development, Grants:DevelopmentRevertKey).");
            }
            return ValidateOptionsResult.Success;
        }
    }
}
