using AccessTokenGateway.Functions.Telemetry;
using AccessTokenGateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;

namespace AccessTokenGateway.Tests.Diagnostics;

/// <summary>
/// The worker's logging filters: the Azure SDK's request logs (leases, queue writes, token requests) are dropped below
/// Warning for every provider, Application Insights' own included; the gateway's one line per change is kept.
/// </summary>
public sealed class LogFilterTests
{
    [Theory]
    [InlineData("Azure.Core")]
    [InlineData("Azure.Storage.Blobs")]
    [InlineData("Azure-Core")]
    [InlineData("Azure.Identity")]
    public void Azure_sdk_information_is_dropped_and_its_warnings_kept(string category)
    {
        using var logging = Logging(out _);
        var logger = logging.CreateLogger(category);

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void The_change_line_stays_at_information()
    {
        using var logging = Logging(out var capture);
        logging.CreateLogger("AccessTokenGateway.Changes.ChangePipeline").LogInformation("Change {AuditId}", "a1");
        logging.CreateLogger("Azure.Core").LogInformation("Request [1] PUT https://account.blob.core.windows.net/token-leases/312?comp=lease");

        Assert.Single(capture.Lines);
    }

    [Fact]
    public void Application_insights_own_rule_does_not_let_azure_sdk_information_through()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            // As the Functions guidance does to see Information in Application Insights: a provider rule for every category.
            logging.AddFilter<ApplicationInsightsLoggerProvider>("", LogLevel.Information);
            logging.AddGatewayLogFilters();
        });
        using var provider = services.BuildServiceProvider();
        var rules = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<LoggerFilterOptions>>().Value.Rules;

        // Of a provider's rules, the longest matching category wins: the Azure SDK's beats the catch-all.
        var applicationInsights = rules.Where(r => r.ProviderName == typeof(ApplicationInsightsLoggerProvider).FullName
                                                   && "Azure.Storage.Queues".StartsWith(r.CategoryName ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(LogLevel.Warning, applicationInsights.MaxBy(r => r.CategoryName?.Length ?? 0)!.LogLevel);
    }

    private static ILoggerFactory Logging(out LogCapture capture)
    {
        var captured = new LogCapture();
        capture = captured;
        return LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(captured);
            logging.AddGatewayLogFilters();
        });
    }
}
