using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>The key under which the CMA token's <see cref="ISecretSource"/> is registered.</summary>
    public const string CmaToken = "cma-token";

    /// <summary>
    /// Key Vault through <see cref="SecretClient"/> and <see cref="DefaultAzureCredential"/> (the managed identity in
    /// Azure). Outside Development a vault URI is required and checked at start-up; in Development
    /// <c>KeyVault:DevelopmentCmaToken</c> may stand in for the vault.
    /// </summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeyVaultOptions>()
            .Bind(configuration.GetSection(KeyVaultOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(_ => new SecretClientOptions());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            var vault = options.VaultUri ?? throw new InvalidOperationException("KeyVault:VaultUri is not set.");
            return new SecretClient(vault, sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<SecretClientOptions>());
        });

        return services.AddKeyVaultSecret(CmaToken, sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            return (options.CmaTokenSecretName, options.DevelopmentCmaToken);
        });
    }

    /// <summary>
    /// Registers one Key Vault secret as a keyed <see cref="ISecretSource"/>: read through <see cref="SecretClient"/> and
    /// cached for <c>KeyVault:CacheDuration</c>; only in Development, with no vault configured, may a configured value stand in.
    /// </summary>
    public static IServiceCollection AddKeyVaultSecret(this IServiceCollection services, string key, Func<IServiceProvider, (string SecretName, string? DevelopmentValue)> select) =>
        services.AddKeyedSingleton<ISecretSource>(key, (sp, _) =>
        {
            var vault = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            var (secretName, developmentValue) = select(sp);
            if (vault.VaultUri is null && sp.GetRequiredService<IHostEnvironment>().IsDevelopment() && developmentValue is { Length: > 0 })
                return new StaticSecret(developmentValue);
            return new CachedSecret(sp.GetRequiredService<SecretClient>(), secretName, vault.CacheDuration, sp.GetRequiredService<TimeProvider>());
        });

    private sealed class KeyVaultOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyVaultOptions>
    {
        public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
        {
            if (options.VaultUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
                return ValidateOptionsResult.Fail("KeyVault:VaultUri must be an absolute https URL.");
            if (environment.IsDevelopment())
            {
                return options.VaultUri is null && string.IsNullOrEmpty(options.DevelopmentCmaToken)
                    ? ValidateOptionsResult.Fail("Set KeyVault:VaultUri, or in Development KeyVault:DevelopmentCmaToken.")
                    : ValidateOptionsResult.Success;
            }
            if (options.VaultUri is null)
                return ValidateOptionsResult.Fail("KeyVault:VaultUri is required outside Development: the CMA token is read only from Key Vault.");
            if (!string.IsNullOrEmpty(options.DevelopmentCmaToken))
                return ValidateOptionsResult.Fail("KeyVault:DevelopmentCmaToken is only allowed in Development.");
            return ValidateOptionsResult.Success;
        }
    }
}
