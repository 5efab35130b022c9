using System.Collections.Concurrent;
using AccessTokenGateway.Secrets;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// The signing secrets of the named senders (<see cref="SignaturesOptions.Senders"/>): each the vault secret
/// <c>&lt;SecretName&gt;-&lt;id&gt;</c>, read through the same cache as every secret; in Development without a vault, the
/// configured stand-in. Made on first use, so a sender that never signs costs no vault read.
/// </summary>
public sealed class SenderSecrets(IServiceProvider services, IOptions<SignaturesOptions> options)
{
    private readonly ConcurrentDictionary<string, ISecretSource> _sources = new(StringComparer.Ordinal);

    /// <summary>The secret of a configured sender; null for any other id.</summary>
    public ISecretSource? Of(string sender) =>
        options.Value.Senders.Contains(sender, StringComparer.Ordinal) ? _sources.GetOrAdd(sender, Create) : null;

    /// <summary>The vault secret that holds a sender's signing secret.</summary>
    public string SecretNameOf(string sender) => $"{options.Value.SecretName}-{sender}";

    private ISecretSource Create(string sender)
    {
        var vault = services.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
        if (vault.VaultUri is null && services.GetRequiredService<IHostEnvironment>().IsDevelopment()
            && options.Value.DevelopmentSenderSecrets.TryGetValue(sender, out var standIn) && standIn.Length > 0)
            return new StaticSecret(standIn);
        return new CachedSecret(services.GetRequiredService<SecretClient>(), SecretNameOf(sender), vault.CacheDuration, services.GetRequiredService<TimeProvider>());
    }
}
