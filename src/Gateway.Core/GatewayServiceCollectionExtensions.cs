using AccessTokenGateway.Audit;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Storage;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AccessTokenGateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>Everything the change pipeline needs, whichever host runs it. One line per concern.</summary>
    public static IServiceCollection AddAccessTokenGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddDatoCms(configuration);          // the CMA client, retries, pacing
        services.AddSecrets(configuration);          // Key Vault, cached
        services.AddStorageClients(configuration);   // queues, blobs, tables on AzureWebJobsStorage
        services.AddAudit(configuration);            // the audit queue, fail-closed
        services.AddCallerAuthentication(configuration); // Easy Auth principals, webhook signatures, the replay store
        services.AddChangePolicy(configuration);     // the organisation's rules
        services.AddGrants(configuration);           // time-bound grants: the registry, the reverts queue, the sweeper
        services.AddChangePipeline(configuration);   // locks, the pipeline itself
        return services;
    }

    private static IServiceCollection AddChangePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PolicyOptions>().Bind(configuration.GetSection(PolicyOptions.SectionName))
            .Validate(o => o.TicketPattern is null || IsRegex(o.TicketPattern), "Policy:TicketPattern is not a valid regular expression.")
            .Validate(o => o.MaxGrantDuration > TimeSpan.Zero && o.MaxGrantDuration <= PolicyOptions.LongestGrantDuration
                           && o.MaxGrantDurationByRole.Values.All(d => d > TimeSpan.Zero && d <= PolicyOptions.LongestGrantDuration),
                "Policy:MaxGrantDuration (and each Policy:MaxGrantDurationByRole value) must be more than zero and at most 366 days.")
            .ValidateOnStart();
        services.AddSingleton<ChangePolicy>();
        return services;
    }

    private static IServiceCollection AddChangePipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChangesOptions>().Bind(configuration.GetSection(ChangesOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ITokenLocks>(sp => new BlobTokenLocks(
            sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<IOptions<ChangesOptions>>().Value.TokenLockWait, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ChangePipeline>();
        return services;
    }

    private static bool IsRegex(string pattern)
    {
        try { _ = new System.Text.RegularExpressions.Regex(pattern); return true; }
        catch (ArgumentException) { return false; }
    }
}
