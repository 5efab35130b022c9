using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccessTokenGateway.Authentication;

/// <summary>
/// Log categories that would write a credential, held at Warning in both hosts whatever the logging configuration
/// says. ASP.NET Core's hosting diagnostics log every request line with its query string at Information — and a
/// function key may travel as <c>?code=…</c>. (HttpClient's own logs redact header values and query strings by
/// default since .NET 9; the Azure SDK redacts <c>Authorization</c> and logs no bodies.)
/// </summary>
public static class SecretHygiene
{
    public static IReadOnlyList<string> SilencedLogCategories { get; } = ["Microsoft.AspNetCore.Hosting.Diagnostics"];

    internal static IServiceCollection AddSecretHygiene(this IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(filters =>
        {
            // Added after the configuration's rules, so it wins over a LogLevel setting for the same category.
            foreach (var category in SilencedLogCategories)
                filters.Rules.Add(new LoggerFilterRule(providerName: null, category, LogLevel.Warning, filter: null));
        });
}
