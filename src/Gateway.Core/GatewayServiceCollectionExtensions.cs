using AccessTokenGateway.Audit;
using AccessTokenGateway.Authentication;
using AccessTokenGateway.Changes;
using AccessTokenGateway.DatoCms;
using AccessTokenGateway.Diagnostics;
using AccessTokenGateway.Grants;
using AccessTokenGateway.Health;
using AccessTokenGateway.Policy;
using AccessTokenGateway.Secrets;
using AccessTokenGateway.Storage;
using AccessTokenGateway.Validation;
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
        services.AddSingleton<Reads.DatoCmsReads>(); // the read routes: DatoCMS's documents, secrets nulled
        services.AddHealth(configuration);           // GET /api/health: Key Vault, storage, DatoCMS, cached
        services.AddObservations();                  // queue ages and grant counts, measured on a timer
        return services;
    }

    private static IServiceCollection AddChangePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PolicyOptions>().Bind(configuration.GetSection(PolicyOptions.SectionName))
            .PostConfigure(o =>
            {
                ListSetting.AddFrom(configuration, "Policy:ProtectedTokenIds", o.ProtectedTokenIds);
                ListSetting.AddFrom(configuration, "Policy:AllowedRoleIds", o.AllowedRoleIds);
                ListSetting.AddPairsFrom(configuration, "Policy:MaxGrantDurationByRole", o.MaxGrantDurationByRole);
            })
            .Validate(o => o.TicketPattern is null || IsRegex(o.TicketPattern), "Policy:TicketPattern is not a valid regular expression.")
            // Ids are compared as text: a spelling DatoCMS would resolve to the same token ("0312") must not stand in a list.
            .Validate(o => o.ProtectedTokenIds.All(Ids.IsCanonical) && o.AllowedRoleIds.All(Ids.IsCanonical) && (string.IsNullOrEmpty(o.GatewayTokenId) || Ids.IsCanonical(o.GatewayTokenId))
                           && o.MaxGrantDurationByRole.Keys.All(Ids.IsCanonical),
                "Policy:ProtectedTokenIds, Policy:AllowedRoleIds, Policy:GatewayTokenId and Policy:MaxGrantDurationByRole take ids in their one spelling: decimal digits without sign, space or leading zero.")
            .Validate(o => o.MaxGrantDuration > TimeSpan.Zero && o.MaxGrantDuration <= PolicyOptions.LongestGrantDuration
                           && o.MaxGrantDurationByRole.Values.All(d => d > TimeSpan.Zero && d <= PolicyOptions.LongestGrantDuration),
                "Policy:MaxGrantDuration (and each Policy:MaxGrantDurationByRole value) must be more than zero and at most 366 days.")
            .ValidateOnStart();
        services.AddOptions<ApprovalsOptions>().Bind(configuration.GetSection(ApprovalsOptions.SectionName))
            .PostConfigure(o => ListSetting.AddFrom(configuration, "Approvals:TrustedCallers", o.TrustedCallers))
            .Validate(o => o.TrustedCallers.Select(TrustedCallers.Problem).All(p => p is null),
                "Approvals:TrustedCallers entries are <kind>:<id>, the kind one of principal, signer, function_key, queue (e.g. signer:webhook).")
            .ValidateOnStart();
        services.AddSingleton<ChangePolicy>();
        return services;
    }

    private static IServiceCollection AddChangePipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChangesOptions>().Bind(configuration.GetSection(ChangesOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ITokenLocks>(sp => new InstrumentedTokenLocks(new BlobTokenLocks(
            sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<IOptions<ChangesOptions>>().Value.TokenLockWait, sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<ChangePipeline>();
        return services;
    }

    private static bool IsRegex(string pattern)
    {
        try { _ = new System.Text.RegularExpressions.Regex(pattern); return true; }
        catch (ArgumentException) { return false; }
    }
}
