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
            .PostConfigure(o => ListSetting.AddFrom(configuration, "Signatures:Senders", o.Senders))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignaturesOptions>, SignaturesOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyVaultSecret(SigningSecret, sp =>
        {
            var signatures = sp.GetRequiredService<IOptions<SignaturesOptions>>().Value;
            return (signatures.SecretName, signatures.DevelopmentSecret);
        });

        services.TryAddSingleton<SenderSecrets>();
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
            if (options.Senders.FirstOrDefault(s => !SignaturesOptions.IsSenderId(s)) is { } badSender)
                return ValidateOptionsResult.Fail($"Signatures:Senders: '{badSender}' is not a sender id (1-32 of a-z, 0-9 and -, not 'webhook').");
            if (options.DevelopmentSenderSecrets.Count > 0 && !environment.IsDevelopment())
                return ValidateOptionsResult.Fail("Signatures:DevelopmentSenderSecrets is only allowed in Development.");
            if (options.Enabled && vault.Value.VaultUri is null && string.IsNullOrEmpty(options.DevelopmentSecret))
                return ValidateOptionsResult.Fail("Signatures:Enabled needs the signing secret: set KeyVault:VaultUri (or, in Development, Signatures:DevelopmentSecret).");
            return ValidateOptionsResult.Success;
        }
    }
}
