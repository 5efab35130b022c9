using AccessTokenGateway.Audit;
using AccessTokenGateway.Secrets;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Authentication;

public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>The key under which the webhook signing secret's <see cref="ISecretSource"/> is registered.</summary>
    public const string SigningSecret = "signing-secret";

    /// <summary>
    /// Who may call and how the gateway knows: whether Easy Auth's principal headers are believed
    /// (<c>Authentication:*</c>), and signed requests (<c>Signatures:*</c>) — the signing secret read from Key Vault
    /// through the same cache as the CMA token, and the seen-signature table on <c>AzureWebJobsStorage</c>.
    /// With signatures off, the trigger's own check (the function key) is all there is. Also keeps credentials out of
    /// the logs (<see cref="SecretHygiene"/>).
    /// </summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSecretHygiene();
        services.AddOptions<CallerAuthenticationOptions>().Bind(configuration.GetSection(CallerAuthenticationOptions.SectionName));
        services.AddOptions<SignaturesOptions>()
            .Bind(configuration.GetSection(SignaturesOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignaturesOptions>, SignaturesOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton<ISecretSource>(SigningSecret, (sp, _) =>
        {
            var signatures = sp.GetRequiredService<IOptions<SignaturesOptions>>().Value;
            var vault = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            if (vault.VaultUri is null && sp.GetRequiredService<IHostEnvironment>().IsDevelopment() && signatures.DevelopmentSecret is { Length: > 0 } local)
                return new StaticSecret(local);
            return new CachedSecret(sp.GetRequiredService<SecretClient>(), signatures.SecretName, vault.CacheDuration, sp.GetRequiredService<TimeProvider>());
        });

        services.AddAzureClients(clients => clients
            .AddClient<TableServiceClient, TableClientOptions>((options, credential, _) =>
                StorageTables.Create(configuration.GetSection(AuditServiceCollectionExtensions.StorageConnection), options, credential))
            .WithCredential(sp => sp.GetRequiredService<TokenCredential>())
            .ConfigureOptions(options =>
            {
                // Fail closed quickly: a signed request waits for this check before anything else happens.
                options.Retry.MaxRetries = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(100);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
            }));
        services.TryAddSingleton<IReplayStore, TableReplayStore>();
        services.TryAddSingleton<SignedRequestAuthenticator>();
        services.Replace(ServiceDescriptor.Singleton<IRequestAuthenticator>(sp =>
            sp.GetRequiredService<IOptions<SignaturesOptions>>().Value.Enabled
                ? sp.GetRequiredService<SignedRequestAuthenticator>()
                : new TriggerAuthenticationOnly()));
        return services;
    }

    private sealed class SignaturesOptionsValidator(IHostEnvironment environment, IOptions<KeyVaultOptions> vault) : IValidateOptions<SignaturesOptions>
    {
        public ValidateOptionsResult Validate(string? name, SignaturesOptions options)
        {
            if (!string.IsNullOrEmpty(options.DevelopmentSecret))
            {
                if (!environment.IsDevelopment())
                    return ValidateOptionsResult.Fail("Signatures:DevelopmentSecret is only allowed in Development.");
                if (SigningSecrets.TryRead(options.DevelopmentSecret) is null)
                    return ValidateOptionsResult.Fail($"Signatures:DevelopmentSecret must be at least {SigningSecrets.MinimumBytes} bytes.");
            }
            if (options.Enabled && vault.Value.VaultUri is null && string.IsNullOrEmpty(options.DevelopmentSecret))
                return ValidateOptionsResult.Fail("Signatures:Enabled needs the signing secret: set KeyVault:VaultUri (or, in Development, Signatures:DevelopmentSecret).");
            return ValidateOptionsResult.Success;
        }
    }
}

/// <summary>
/// The table service named by <c>AzureWebJobsStorage</c>, read the way the Functions host reads it: a connection
/// string (locally), or <c>__tableServiceUri</c> (or <c>__accountName</c>) with the app's identity (in Azure).
/// Microsoft.Extensions.Azure's own configuration binding knows only <c>endpoint</c> for tables, not these names.
/// </summary>
internal static class StorageTables
{
    public static TableServiceClient Create(IConfigurationSection connection, TableClientOptions options, TokenCredential credential)
    {
        if (!string.IsNullOrEmpty(connection.Value)) return new TableServiceClient(connection.Value, options);
        if (connection["tableServiceUri"] is { Length: > 0 } uri) return new TableServiceClient(new Uri(uri), credential, options);
        if (connection["accountName"] is { Length: > 0 } account) return new TableServiceClient(new Uri($"https://{account}.table.core.windows.net"), credential, options);
        throw new InvalidOperationException($"{connection.Path} names no table service: set a connection string, or {connection.Path}__tableServiceUri with the app's identity.");
    }
}
